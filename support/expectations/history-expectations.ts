import type { ChatUser, WatchedRun } from '../actors/chat-user';
import { fetchHistory, historyMessages, type HistoryMessage } from '../client/history-client';
import type { EnvironmentProfile } from '../config/environment-profile';
import type { ThreadId } from '../domain/ids';
import type { Endpoint } from '../target/system-under-test';
import { failIfAny } from './violation-error';

/**
 * PROTOCOL §2 and §7: every accepted message of the user is in its thread's
 * history exactly once, as she sent it; every successful run she watched
 * added exactly one assistant answer (its summary), after her question.
 * Runs after every scenario that sent messages, and on demand from steps.
 */
export async function expectHistoryExactlyOnce(user: ChatUser, endpoint: Endpoint, profile: EnvironmentProfile): Promise<void> {
  const accepted = new Map(user.messages.flatMap((message) => (message.accepted === undefined ? [] : [[message.clientMessageId, message] as const])));
  const threads = new Set<ThreadId>([...accepted.values()].map((message) => message.accepted?.threadId as ThreadId));
  const violations: string[] = [];
  for (const threadId of threads) {
    const response = await fetchHistory(endpoint.httpUrl, threadId, user.token(), profile.replyWithinMs);
    const messages = historyMessages(response);
    if (response.status !== 200 || messages === undefined) {
      violations.push(`the history of ${user.name}'s thread ${threadId.slice(0, 8)} answered HTTP ${response.status} ${response.text.slice(0, 200)}: she reloads the page and her conversation is gone`);
      continue;
    }
    if ((response.body as { thread_id?: unknown }).thread_id !== threadId) {
      violations.push(`the history answered for thread ${JSON.stringify((response.body as { thread_id?: unknown }).thread_id)} when asked for ${threadId}: ${user.name} would be shown another conversation`);
    }
    for (const message of [...accepted.values()].filter((candidate) => candidate.accepted?.threadId === threadId)) {
      violations.push(...questionOnce(user, message.clientMessageId, message.accepted?.messageId, message.request.content, messages));
    }
    const runs = uniqueRuns(user.watchedRuns.filter((run) => run.accepted.threadId === threadId));
    for (const run of runs) violations.push(...answerOnce(user, run, messages));
  }
  failIfAny(`${user.name}'s conversation history is not exactly what happened`, violations);
}

function questionOnce(user: ChatUser, clientMessageId: string, messageId: string | undefined, content: string, messages: HistoryMessage[]): string[] {
  const copies = messages.filter((message) => message.client_message_id === clientMessageId);
  if (copies.length === 0) return [`${user.name}'s accepted message ${clientMessageId.slice(0, 8)} is missing from the history: the server acknowledged it, then lost it — she reloads and her question is gone`];
  if (copies.length > 1) return [`${user.name}'s message ${clientMessageId.slice(0, 8)} is in the history ${copies.length} times: it was stored more than once, so the conversation repeats her and she may be billed twice`];
  const [copy] = copies as [HistoryMessage];
  if (copy.role !== 'user' || copy.content !== content || copy.message_id !== messageId) {
    return [`${user.name}'s message ${clientMessageId.slice(0, 8)} is stored with role ${JSON.stringify(copy.role)}, id ${JSON.stringify(copy.message_id)} (acknowledged as ${String(messageId)}) and ${copy.content === content ? 'her text' : 'a different text'}: the conversation she reloads is not the one she had`];
  }
  return [];
}

function answerOnce(user: ChatUser, run: WatchedRun, messages: HistoryMessage[]): string[] {
  const completion = run.events.find((event) => event.type === 'agent_completed');
  const answers = messages.filter((message) => message.role === 'assistant' && message.run_id === run.accepted.runId);
  const label = `run ${run.accepted.runId.slice(0, 8)}`;
  if (completion?.data.status !== 'success') {
    return answers.length === 0 ? [] : [`the failed ${label} left ${answers.length} assistant answer(s) in the history: ${user.name} reloads and finds an answer she was told had failed`];
  }
  if (answers.length !== 1) {
    return [`the agent's answer to ${label} is in the history ${answers.length} times (expected once): ${answers.length === 0 ? `${user.name} reloads and the advice she was given is gone` : 'the conversation repeats the answer'}`];
  }
  const summary = (completion.data.result as { summary?: unknown } | undefined)?.summary;
  const violations: string[] = [];
  if (answers[0]?.content !== summary) violations.push(`the stored answer to ${label} differs from the summary ${user.name} saw live: the history tells her something else than the chat did`);
  if (answers[0]?.client_message_id !== null) violations.push(`the stored answer to ${label} has client_message_id ${JSON.stringify(answers[0]?.client_message_id)} instead of null: clients would take the agent's answer for one of the user's own messages`);
  const question = messages.findIndex((message) => message.client_message_id === run.accepted.clientMessageId);
  if (question > messages.indexOf(answers[0] as HistoryMessage)) violations.push(`the answer to ${label} comes before ${user.name}'s question in the history: the conversation reads backwards`);
  return violations;
}

function uniqueRuns(runs: readonly WatchedRun[]): WatchedRun[] {
  const byId = new Map<string, WatchedRun>();
  for (const run of runs) byId.set(run.accepted.runId, run);
  return [...byId.values()];
}
