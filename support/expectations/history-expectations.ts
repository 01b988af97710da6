import type { ChatUser, WatchedRun } from '../actors/chat-user';
import { fetchHistory, historyMessages } from '../client/history-client';
import type { EnvironmentProfile } from '../config/environment-profile';
import type { ThreadId } from '../domain/ids';
import type { SystemUnderTest } from '../target/system-under-test';
import { failIfAny } from './violation-error';

/**
 * PROTOCOL §2 and §7: the thread's history holds every accepted message of
 * the user exactly once, and exactly one assistant answer (the run's
 * summary) per successful run, in creation order.
 */
export async function expectConversationInHistory(
  user: ChatUser,
  runs: readonly WatchedRun[],
  sut: SystemUnderTest,
  profile: EnvironmentProfile,
): Promise<void> {
  const threads = new Map<ThreadId, WatchedRun[]>();
  for (const run of runs) threads.set(run.accepted.threadId, [...(threads.get(run.accepted.threadId) ?? []), run]);
  for (const [threadId, threadRuns] of threads) {
    const response = await fetchHistory(sut.httpUrl, threadId, user.token(), profile.replyWithinMs);
    const messages = historyMessages(response);
    if (response.status !== 200 || messages === undefined) {
      failIfAny(`${user.name} cannot read her conversation`, [
        `the history of thread ${threadId.slice(0, 8)} answered HTTP ${response.status} ${response.text.slice(0, 200)}: ${user.name} reloads the page and her conversation is gone`,
      ]);
      return;
    }
    const violations: string[] = [];
    for (const run of threadRuns) {
      const asked = messages.filter((message) => message.client_message_id === run.accepted.clientMessageId);
      if (asked.length !== 1) {
        violations.push(`${user.name}'s question appears ${asked.length} times in the history (expected once): ${asked.length === 0 ? 'an accepted message was lost' : 'a message was stored twice and the conversation shows it repeated'}`);
      } else if (asked[0]?.role !== 'user' || asked[0]?.content !== run.message.request.content || asked[0]?.message_id !== run.accepted.messageId) {
        violations.push(`${user.name}'s question is in the history with role ${JSON.stringify(asked[0]?.role)} and id ${JSON.stringify(asked[0]?.message_id)}, not as the user message she sent (${run.accepted.messageId}): the conversation she reloads is not the one she had`);
      }
      const completion = run.events.find((event) => event.type === 'agent_completed');
      if (completion?.data.status !== 'success') continue;
      const summary = (completion.data.result as { summary?: unknown } | undefined)?.summary;
      const answers = messages.filter((message) => message.role === 'assistant' && message.run_id === run.accepted.runId);
      if (answers.length !== 1) {
        violations.push(`the agent's answer to run ${run.accepted.runId.slice(0, 8)} appears ${answers.length} times in the history (expected once): ${answers.length === 0 ? `${user.name} reloads and the advice she got is gone` : 'the conversation repeats the answer'}`);
      } else if (answers[0]?.content !== summary) {
        violations.push(`the stored answer to run ${run.accepted.runId.slice(0, 8)} differs from the summary ${user.name} was shown live: the history tells her something else than the chat did`);
      }
    }
    failIfAny(`${user.name}'s conversation history is wrong`, violations);
  }
}
