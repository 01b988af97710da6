import { checkHttpBody } from '../../../protocol/schemas';
import type { ChatUser, HistoryRead, SentMessage, WatchedRun } from '../../actors/chat-user';
import { historyMessages, type HistoryMessage } from '../../client/history-client';
import { violation, type Judgement, type Violation } from '../../oracle/violation';

const short = (id: string): string => id.slice(0, 8);

/**
 * PROTOCOL §2 and §7: every accepted message of the user is in its thread's
 * history exactly once, as she sent it, in the order she sent it; every
 * successful run she watched added exactly one assistant answer (its
 * summary), after her question. `reads`: one history read per thread.
 */
export function judgeHistory(user: ChatUser, reads: readonly HistoryRead[]): Judgement {
  const violations: Violation[] = [];
  for (const read of reads) {
    const { response, threadId } = read;
    const messages = historyMessages(response);
    if (response.status !== 200 || messages === undefined) {
      violations.push(violation('GP-7.2', `the history of ${user.name}'s thread ${short(threadId)} answered HTTP ${response.status} ${response.text.slice(0, 200)}: she reloads the page and her conversation is gone`));
      continue;
    }
    for (const breach of checkHttpBody('history', response.body)) {
      violations.push(violation('GP-2.8', `the history of thread ${short(threadId)} breaks the published schema at ${breach.path} (${breach.problem}): clients built from it misread the conversation`));
    }
    if ((response.body as { thread_id?: unknown }).thread_id !== threadId) {
      violations.push(violation('GP-2.7', `the history answered for thread ${JSON.stringify((response.body as { thread_id?: unknown }).thread_id)} when asked for ${threadId}: ${user.name} would be shown another conversation`));
    }
    const accepted = acceptedIn(user, threadId);
    for (const message of accepted) violations.push(...questionOnce(user, message, messages));
    violations.push(...everyOne(user, threadId, accepted, messages));
    violations.push(...inOrder(user, accepted, messages));
    for (const run of uniqueRuns(user.watchedRuns.filter((candidate) => candidate.accepted.threadId === threadId))) violations.push(...answerOnce(user, run, messages));
  }
  return { headline: `${user.name}'s conversation history is not exactly what happened`, evaluated: reads.length > 0 ? ['GP-7.2', 'GP-7.3', 'GP-2.7', 'GP-2.8'] : [], violations };
}

/** Her accepted messages in one thread, once per client_message_id, in the order she sent them. */
function acceptedIn(user: ChatUser, threadId: string): SentMessage[] {
  const byId = new Map<string, SentMessage>();
  for (const message of user.messages) {
    if (message.accepted?.threadId === threadId && !byId.has(message.clientMessageId)) byId.set(message.clientMessageId, message);
  }
  return [...byId.values()];
}

function questionOnce(user: ChatUser, message: SentMessage, messages: readonly HistoryMessage[]): Violation[] {
  const id = message.clientMessageId;
  const copies = messages.filter((stored) => stored.client_message_id === id);
  if (copies.length === 0) return [violation('GP-7.2', `${user.name}'s accepted message ${short(id)} is missing from the history: the server acknowledged it, then lost it — she reloads and her question is gone`)];
  if (copies.length > 1) return [violation('GP-7.2', `${user.name}'s message ${short(id)} is in the history ${copies.length} times: it was stored more than once, so the conversation repeats her and she may be billed twice`)];
  const [copy] = copies as [HistoryMessage];
  if (copy.role !== 'user' || copy.content !== message.request.content || copy.message_id !== message.accepted?.messageId) {
    return [violation('GP-7.2', `${user.name}'s message ${short(id)} is stored with role ${JSON.stringify(copy.role)}, id ${JSON.stringify(copy.message_id)} (acknowledged as ${String(message.accepted?.messageId)}) and ${copy.content === message.request.content ? 'her text' : 'a different text'}: the conversation she reloads is not the one she had`)];
  }
  return [];
}

/** PROTOCOL §2: the history holds every message of the thread, however long it is — no page, no limit. */
function everyOne(user: ChatUser, threadId: string, accepted: readonly SentMessage[], messages: readonly HistoryMessage[]): Violation[] {
  const missing = accepted.map((message, index) => ({ message, index })).filter(({ message }) => !messages.some((stored) => stored.client_message_id === message.clientMessageId));
  if (missing.length === 0) return [];
  const positions = missing.slice(0, 5).map(({ index }) => `#${index + 1}`).join(', ');
  return [violation('GP-2.7', `the history of ${user.name}'s thread ${short(threadId)} answered ${messages.length} messages and lacks ${missing.length} of the ${accepted.length} questions she asked in it (${positions}${missing.length > 5 ? ', …' : ''}): her conversation comes back incomplete`)];
}

function inOrder(user: ChatUser, accepted: readonly SentMessage[], messages: readonly HistoryMessage[]): Violation[] {
  const positions = accepted.map((message) => messages.findIndex((stored) => stored.client_message_id === message.clientMessageId)).filter((index) => index >= 0);
  const sorted = [...positions].sort((a, b) => a - b);
  return positions.every((position, index) => position === sorted[index])
    ? []
    : [violation('GP-2.7', `${user.name}'s messages are not in the history in the order she sent them (positions ${positions.join(', ')}): the conversation she reloads reads out of order`)];
}

function answerOnce(user: ChatUser, run: WatchedRun, messages: readonly HistoryMessage[]): Violation[] {
  const completion = run.events.find((event) => event.type === 'agent_completed' && event.runId === run.accepted.runId);
  const answers = messages.filter((message) => message.role === 'assistant' && message.run_id === run.accepted.runId);
  const label = `run ${short(run.accepted.runId)}`;
  if (completion?.data.status !== 'success') {
    return answers.length === 0 || completion === undefined ? [] : [violation('GP-7.3', `the failed ${label} left ${answers.length} assistant answer(s) in the history: ${user.name} reloads and finds an answer she was told had failed`)];
  }
  if (answers.length !== 1) {
    return [violation('GP-7.3', `the agent's answer to ${label} is in the history ${answers.length} times (expected once): ${answers.length === 0 ? `${user.name} reloads and the advice she was given is gone` : 'the conversation repeats the answer'}`)];
  }
  const [answer] = answers as [HistoryMessage];
  const summary = (completion.data.result as { summary?: unknown } | undefined)?.summary;
  const violations: Violation[] = [];
  if (answer.content !== summary) violations.push(violation('GP-2.8', `the stored answer to ${label} differs from the summary ${user.name} saw live: the history tells her something else than the chat did`));
  if (answer.client_message_id !== null) violations.push(violation('GP-2.8', `the stored answer to ${label} has client_message_id ${JSON.stringify(answer.client_message_id)} instead of null: clients would take the agent's answer for one of the user's own messages`));
  const question = messages.findIndex((message) => message.client_message_id === run.accepted.clientMessageId);
  if (question > messages.indexOf(answer)) violations.push(violation('GP-7.3', `the answer to ${label} comes before ${user.name}'s question in the history: the conversation reads backwards`));
  return violations;
}

function uniqueRuns(runs: readonly WatchedRun[]): WatchedRun[] {
  const byId = new Map<string, WatchedRun>();
  for (const run of runs) byId.set(run.accepted.runId, run);
  return [...byId.values()];
}

/** PROTOCOL §4: message_accepted is sent only after the commit — the history has the message the moment its acknowledgement arrives. */
export function judgeCommittedOnAcceptance(user: ChatUser, message: SentMessage, read: HistoryRead): Judgement {
  const stored = (historyMessages(read.response) ?? []).some((candidate) => candidate.client_message_id === message.clientMessageId);
  return {
    headline: `${user.name}'s acknowledged message was not yet stored`,
    evaluated: ['GP-4.9'],
    violations: stored ? [] : [violation('GP-4.9', `right after message_accepted, the history of thread ${short(read.threadId)} (HTTP ${read.response.status}) does not hold ${user.name}'s message ${short(message.clientMessageId)}: the acknowledgement promised a commit that had not happened, so a crash now would lose a message the app was told is safe`)],
  };
}

/** The refused question left no trace: the thread holds exactly what it held before (PROTOCOL §3: write is needed). */
export function judgeUnchanged(user: ChatUser, refused: SentMessage, read: HistoryRead, heldBefore: number): Judgement {
  const messages = historyMessages(read.response);
  const violations: Violation[] = [];
  if (read.response.status !== 200 || messages === undefined) {
    violations.push(violation('GP-2.7', `the history answered HTTP ${read.response.status} ${read.response.text.slice(0, 160)}: ${user.name} reloads and her conversation is gone`));
  } else {
    if (messages.some((stored) => stored.client_message_id === refused.clientMessageId)) {
      violations.push(violation('GP-3.14', `the question refused for lack of the write permission is stored in ${user.name}'s history: a refused write was written anyway, so permissions protect nothing`));
    }
    if (messages.length !== heldBefore) {
      violations.push(violation('GP-3.14', `${user.name}'s conversation holds ${messages.length} messages after the refused question, not the ${heldBefore} it held before: something was written without the write permission`));
    }
  }
  return { headline: `${user.name}'s conversation changed although her question was refused`, evaluated: ['GP-3.14'], violations };
}

/** The owner's conversation holds nothing the intruder sent (PROTOCOL §4: NOT_FOUND, and nothing is written). */
export function judgeUntouched(owner: ChatUser, intruder: ChatUser, read: HistoryRead): Judgement {
  const messages = historyMessages(read.response) ?? [];
  const intruderIds = new Set(intruder.messages.map((message) => message.clientMessageId as string));
  const ownIds = new Set(owner.messages.map((message) => message.clientMessageId as string));
  const foreign = messages.filter((message) => intruderIds.has(String(message.client_message_id)) || (message.role === 'user' && !ownIds.has(String(message.client_message_id))));
  return {
    headline: `${owner.name}'s conversation was written to by someone else`,
    evaluated: ['GP-4.13'],
    violations: foreign.length === 0 ? [] : [violation('GP-4.13', `${owner.name}'s history now holds ${foreign.length} message(s) she never sent: ${intruder.name}'s attempt was stored in her conversation`)],
  };
}

/** A read of someone else's or a missing thread: 404, and nothing of it (PROTOCOL §2). */
export function judgeNotFound(reader: ChatUser, read: HistoryRead, ownerWords: readonly string[]): Judgement {
  const violations: Violation[] = [];
  const whose = read.owner === undefined ? 'a conversation that does not exist' : `${read.owner}'s conversation`;
  if (read.response.status !== 404) {
    violations.push(violation('GP-2.11', `the history of ${whose} answered ${reader.name} with HTTP ${read.response.status} instead of 404: ${read.response.status === 200 ? 'any user can read any conversation whose id they learn' : 'the answer reveals whether the conversation exists'}`));
  }
  if (ownerWords.some((words) => read.response.text.includes(words.slice(0, 40)))) {
    violations.push(violation('GP-2.11', `the answer to ${reader.name} contains ${read.owner ?? 'someone'}'s words: a private conversation leaked`));
  }
  return { headline: `${reader.name} could read ${whose}`, evaluated: ['GP-2.11'], violations };
}

/** The history API refused a request with `status` (PROTOCOL §2: 401 for a bad token, 403 without read). */
export function judgeHistoryRefused(reader: ChatUser, read: HistoryRead, status: 401 | 403, how: string, ownerWords: readonly string[]): Judgement {
  const rule = status === 401 ? 'GP-2.9' : 'GP-2.10';
  const violations: Violation[] = [];
  if (read.response.status !== status) {
    violations.push(violation(rule, `reading ${reader.name}'s conversation ${how} answered HTTP ${read.response.status} instead of ${status}: ${read.response.status === 200 ? 'anyone who learns a thread id reads the conversation' : 'the app cannot tell whether to sign in again or explain a permission'}`));
  }
  if (ownerWords.some((words) => read.response.text.includes(words.slice(0, 40)))) {
    violations.push(violation(rule, `the refusal of a read ${how} contains ${reader.name}'s words: her private conversation leaked`));
  }
  if (read.response.status === status && checkHttpBody('errorBody', read.response.body).length > 0) {
    violations.push(violation(rule, `the refusal's body is not {"error":{"code","message"}} (${read.response.text.slice(0, 120)}): the app has nothing to tell the user`));
  }
  return { headline: `reading ${reader.name}'s conversation ${how} was not refused`, evaluated: [rule], violations };
}

/** PROTOCOL §4: a question refused as NOT_FOUND wrote nothing — no conversation by that id exists afterwards. */
export function judgeNothingWrittenIn(user: ChatUser, read: HistoryRead): Judgement {
  const messages = historyMessages(read.response) ?? [];
  return {
    headline: `${user.name}'s refused question was written anyway`,
    evaluated: ['GP-4.13'],
    violations: read.response.status === 404 ? [] : [violation('GP-4.13', `after refusing ${user.name}'s question into conversation ${JSON.stringify(read.threadId)} as not found, the history of that id answers HTTP ${read.response.status}${messages.length > 0 ? ` with ${messages.length} message(s)` : ''}: a refused write was written, or a conversation was created from an id the client made up`)],
  };
}
