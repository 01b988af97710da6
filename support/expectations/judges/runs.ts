import type { ChatUser, ResumeRequest, SentMessage, WatchedRun } from '../../actors/chat-user';
import { Limits } from '../../../protocol/constants';
import { answersMessage, frameData, frameType, parseServerFrame } from '../../domain/frames';
import { isUuid } from '../../domain/ids';
import { EVENT_RULE_IDS, reviewRun } from '../../oracle/event-rules';
import { reviewCoverage, reviewResumedStream, RESUME_RULE_IDS } from '../../oracle/resume-rules';
import { strayEvents } from '../../oracle/run-events';
import { reviewTiming, TIMING_RULE_IDS, type TimingFigures } from '../../oracle/timing-rules';
import { violation, type Judgement, type Violation } from '../../oracle/violation';
import { outcomeCounters } from '../../report/success-metrics';

const short = (id: string): string => id.slice(0, 8);
const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${value.toFixed(0)} ms`);

/**
 * THE judgement of a watched run: every event rule and every timing rule of
 * PROTOCOL §5, the run reaching this tab at all (§5: every tab of the user),
 * and no events of runs the user never started. Every step that watches a
 * run goes through it, and it counts the run, once, in the success metrics.
 */
export function judgeRun(run: WatchedRun, options: { timing?: boolean } = {}): Judgement & { figures: TimingFigures } {
  const withTiming = options.timing ?? true;
  const { who, accepted, tab, message } = run;
  const violations: Violation[] = [];
  const evaluated: string[] = [...EVENT_RULE_IDS, ...(withTiming ? TIMING_RULE_IDS : []), 'GP-5.18'];
  if (run.events.length === 0 && tab !== message.tab) {
    evaluated.push('GP-5.1');
    violations.push(violation('GP-5.1', `${tab.label} received nothing of ${who}'s run ${short(accepted.runId)} within ${(run.waitedMs / 1000).toFixed(1)} s while another tab of hers asked: a tab that stays silent while another answers looks broken`));
  } else {
    if (tab !== message.tab) evaluated.push('GP-5.1');
    violations.push(
      ...reviewRun({ who, runId: accepted.runId, threadId: accepted.threadId, userId: run.userId, events: run.events, asksForAnalysis: message.request.asksForAnalysis }),
    );
  }
  const timing = reviewTiming(
    {
      who,
      runId: accepted.runId,
      sentAt: message.frame.sentAt,
      acceptedAt: accepted.frame.receivedAt,
      events: run.events.filter((event) => event.runId === accepted.runId).map((event) => ({ type: event.type, receivedAt: event.receivedAt })),
    },
    run.limits,
  );
  // On the tab that asked, the acceptance timing is the run's; on another tab it is not measured.
  if (withTiming) violations.push(...timing.violations.filter((found) => tab === message.tab || found.rule !== 'GP-5.12'));
  const reviewed = new Set(run.events.map((event) => event.index));
  for (const event of strayEvents(tab.received, knownRunIdsOf(run)).filter((stray) => !reviewed.has(stray.index))) {
    violations.push(violation('GP-5.2', `${tab.label} received ${event.type} seq ${JSON.stringify(event.seq)} of run ${JSON.stringify(event.runId)}, which ${who} never started: an event went astray, so someone's run is missing it and ${who}'s screen shows a step that is not hers`));
  }
  if (!run.counted) {
    run.counted = true;
    if (violations.length === 0) outcomeCounters.runsComplete += 1;
    else outcomeCounters.runsBroken += 1;
  }
  const figures = timing.figures;
  return {
    headline: `${who}'s run ${short(accepted.runId)} on ${tab.label} broke the event rules (accepted after ${ms(figures.acceptedMs)}, agent_started ${ms(figures.startedMs)} later, longest gap ${ms(figures.longestGapMs)}, ${run.ended ? `answer after ${ms(figures.totalMs)}` : `no answer after ${(run.waitedMs / 1000).toFixed(1)} s`}; ${run.events.length} events)`,
    evaluated,
    violations,
    figures,
  };
}

function knownRunIdsOf(run: WatchedRun): Set<string> {
  return new Set([run.accepted.runId, ...run.knownRunIds()]);
}

/** Several runs (a user's tabs, a crowd) as one judgement: every rule evaluated, the first five failing runs listed. */
export function judgeRuns(runs: readonly WatchedRun[]): Judgement {
  const judgements = runs.map((run) => judgeRun(run));
  const failing = judgements.filter((judgement) => judgement.violations.length > 0);
  return {
    headline: `${failing.length} of ${runs.length} runs broke the event rules`,
    evaluated: [...new Set(judgements.flatMap((judgement) => judgement.evaluated))],
    violations: failing.slice(0, 5).flatMap((judgement) => judgement.violations.map((found) => ({ rule: found.rule, message: `${judgement.headline}: ${found.message}` }))),
  };
}

/** The run ended with success and at least one titled recommendation (PROTOCOL §5.4). */
export function judgeActionableAnswer(run: WatchedRun): Judgement {
  const completion = run.events.find((event) => event.type === 'agent_completed' && event.runId === run.accepted.runId);
  const status = completion?.data.status;
  const violations: Violation[] = [];
  if (status !== 'success') {
    const error = completion?.data.error;
    violations.push(violation('GP-5.8', completion === undefined
      ? `${run.who} got no answer at all for run ${short(run.accepted.runId)}: she asked for advice on her spend and got none`
      : `the run ended with status ${JSON.stringify(status)}${error === undefined ? '' : ` and error ${JSON.stringify(error)}`}: ${run.who} asked for advice on her spend and got none`));
  } else {
    violations.push(...reviewRun({ who: run.who, runId: run.accepted.runId, threadId: run.accepted.threadId, userId: run.userId, events: run.events, asksForAnalysis: run.message.request.asksForAnalysis }).filter((found) => found.rule === 'GP-5.8'));
  }
  return { headline: `${run.who} did not get an actionable answer`, evaluated: ['GP-5.8'], violations };
}

/** The run ended in error, explained, within the failure deadline after `failedAt` (PROTOCOL §5 "failure is never silent"). */
export function judgeExplainedFailure(run: WatchedRun, failedAt: number, withinMs: number): Judgement {
  const completion = run.events.find((event) => event.type === 'agent_completed' && event.runId === run.accepted.runId);
  const violations: Violation[] = [];
  if (completion === undefined) {
    violations.push(violation('GP-5.16', `${run.who}'s run ${short(run.accepted.runId)} never ended after its dependency failed (waited ${(run.waitedMs / 1000).toFixed(1)} s): she stares at a spinner that never stops — worse than an error, because she cannot act on it`));
  } else {
    if (completion.data.status !== 'error') {
      violations.push(violation('GP-5.16', `the run ended with status ${JSON.stringify(completion.data.status)} although its database was gone: ${run.who} is shown an answer that could not have been computed or saved`));
    }
    const error = completion.data.error as { code?: unknown; message?: unknown; retryable?: unknown } | undefined;
    if (completion.data.status === 'error' && (typeof error?.code !== 'string' || typeof error.message !== 'string' || typeof error.retryable !== 'boolean')) {
      violations.push(violation('GP-5.9', `the failed run ended without an error object of code, message and retryable (${JSON.stringify(completion.data.error ?? null).slice(0, 120)}): the app cannot tell ${run.who} what went wrong or whether to try again`));
    }
    const endedAfterMs = completion.receivedAt - failedAt;
    if (endedAfterMs > withinMs) {
      violations.push(violation('GP-5.16', `the run ended ${(endedAfterMs / 1000).toFixed(1)} s after the failure (limit ${withinMs / 1000} s): ${run.who} stared at a frozen chat`));
    }
  }
  return { headline: `${run.who}'s failed run was not reported properly`, evaluated: ['GP-5.16', 'GP-5.9'], violations };
}

/** message_accepted arrived, promptly, with UUIDs the client can follow (PROTOCOL §4, §5). */
export function judgeAcceptance(user: ChatUser, message: SentMessage): Judgement {
  const violations: Violation[] = [];
  const accepted = message.accepted;
  // The longest question the protocol allows must be accepted at all (GP-4.4), whatever else is wrong.
  const longest = [...message.request.content].length === Limits.maxContentCodePoints;
  const refusal = message.tab.received.find((frame) => frame.receivedAt >= message.frame.sentAt && frameType(frame) === 'error' && answersMessage(frame, message.clientMessageId));
  if (accepted === undefined && longest && refusal !== undefined) {
    // Refused, not silent: the length rule is what broke.
  } else if (accepted === undefined) {
    violations.push(violation('GP-5.12', `${user.name} never got message_accepted for her message (waited ${(user.profile.replyWithinMs / 1000).toFixed(1)} s): the message looks unsent, and users press send again`));
  } else {
    const waitedMs = accepted.frame.receivedAt - message.frame.sentAt;
    if (waitedMs > user.profile.acceptedWithinMs) {
      violations.push(violation('GP-5.12', `${user.name} waited ${(waitedMs / 1000).toFixed(2)} s for message_accepted (limit ${(user.profile.acceptedWithinMs / 1000).toFixed(1)} s): the message looks unsent, and users press send again`));
    }
    const data = frameData(accepted.frame);
    for (const field of ['message_id', 'thread_id', 'run_id'] as const) {
      if (!isUuid(data[field])) violations.push(violation('GP-4.1', `message_accepted for ${user.name}'s message has ${field} ${JSON.stringify(data[field])}, not a UUID: the client cannot follow the run or find the conversation later`));
    }
    if (message.threadId !== undefined && data.thread_id !== message.threadId) {
      violations.push(violation('GP-4.6', `${user.name} asked in thread ${short(message.threadId)} and the acknowledgement names thread ${JSON.stringify(data.thread_id)}: her follow-up is filed under another conversation`));
    }
  }
  if (longest && accepted === undefined) violations.push(violation('GP-4.4', `${user.name}'s question of exactly ${Limits.maxContentCodePoints} code points (${message.request.content.length} UTF-16 units) was not accepted${refusal === undefined ? '' : ` (she was told ${refusal.text.slice(0, 200)})`}: users who paste a long document with emoji are refused for no reason`));
  return { headline: `${user.name}'s message was not accepted the way the protocol says`, evaluated: ['GP-5.12', 'GP-4.6', ...(longest ? ['GP-4.4'] : [])], violations };
}

/** Every send of the same client_message_id was acknowledged with the same ids (PROTOCOL §7). */
export function judgeSameAcknowledgement(user: ChatUser, sends: readonly SentMessage[]): Judgement {
  const [first, ...again] = sends;
  const violations: Violation[] = [];
  if (first?.accepted === undefined) {
    violations.push(violation('GP-7.1', `${user.name}'s first send was never acknowledged, so the re-send has nothing to match`));
  } else {
    for (const send of again) {
      if (send.accepted === undefined) {
        violations.push(violation('GP-7.1', `${user.name}'s re-send of ${short(first.clientMessageId)} on ${send.tab.label} got no message_accepted: the app cannot tell whether its retry landed, so it retries forever or gives up`));
        continue;
      }
      for (const field of ['messageId', 'threadId', 'runId'] as const) {
        if (send.accepted[field] !== first.accepted[field]) {
          violations.push(violation('GP-7.1', `the re-sent message got ${field} ${send.accepted[field]} instead of ${first.accepted[field]}: the server took a retry for a new message, so ${user.name} gets a duplicate question, a second run and a second bill`));
        }
      }
    }
  }
  return { headline: `${user.name}'s re-sent message was not recognised`, evaluated: ['GP-7.1'], violations };
}

/** No run besides the acknowledged one reached any of the user's tabs (after a round trip on each). */
export function judgeOnlyOneRun(user: ChatUser): Judgement {
  const known = user.knownRunIds();
  const others = new Set(user.tabs.flatMap((tab) => strayEvents(tab.received, known).map((event) => String(event.runId))));
  return {
    headline: `${user.name}'s message started more than one run`,
    evaluated: ['GP-7.1'],
    violations: others.size === 0 ? [] : [violation('GP-7.1', `besides the acknowledged run, ${user.name} received events of ${others.size} other run(s) (${[...others].map(short).join(', ')}) that no acknowledgement named: a retry started a second run, so she sees two answers and pays twice`)],
  };
}

/** Together, the user's tabs saw every event of her latest run, to its end (PROTOCOL §5: runs belong to the server). */
export function judgeCoverage(user: ChatUser, runId: string): Judgement {
  return { headline: `${user.name} lost part of her run`, evaluated: ['GP-5.17'], violations: reviewCoverage(user.name, runId, user.tabs.map((tab) => tab.received)) };
}

/**
 * PROTOCOL §5: a run goes on when its socket closes. With nothing broken but
 * the tab that asked, the run reaches its answer: an error ending, just after
 * the socket went, is the run dying with it.
 */
export function judgeWentOnWithoutItsSocket(user: ChatUser, runId: string): Judgement {
  const completion = user.tabs.flatMap((tab) => tab.received).map((frame) => frame.frame).find((frame) => frame?.type === 'agent_completed' && frame.run_id === runId);
  const data = (completion?.data ?? {}) as { status?: unknown; error?: unknown };
  const violations: Violation[] = [];
  if (completion === undefined) {
    violations.push(violation('GP-5.17', `none of ${user.name}'s tabs saw run ${short(runId)} end after the tab that asked for it dropped: the run stopped with its socket, and the answer she came back for never comes`));
  } else if (data.status !== 'success') {
    violations.push(violation('GP-5.17', `run ${short(runId)} ended with status ${JSON.stringify(data.status)} (${JSON.stringify(data.error)}) after the tab that asked for it dropped, with nothing else broken: the run died with its socket, so an answer lost to a network blip is wasted inference and a user who gives up`));
  }
  return { headline: `${user.name}'s run did not outlive the tab that asked for it`, evaluated: ['GP-5.17'], violations };
}

/** The stream after a resume (PROTOCOL §5). */
export function judgeResumedStream(user: ChatUser, resume: ResumeRequest): Judgement {
  const before = resume.tab.received.slice(0, resume.from);
  const after = resume.tab.received.slice(resume.from);
  return {
    headline: `${user.name}'s resumed stream of run ${short(resume.runId)} from seq ${resume.afterSeq} is broken`,
    evaluated: [...RESUME_RULE_IDS, 'GP-5.17'],
    violations: reviewResumedStream(user.name, resume.runId, resume.afterSeq, before, after),
  };
}

/** Nothing at all came back on the tab after a resume with nothing to replay (PROTOCOL §5). */
export function judgeNothingToReplay(user: ChatUser, resume: ResumeRequest): Judgement {
  const answers = resume.tab.received.slice(resume.from).filter((frame) => frameType(frame) !== 'pong');
  return {
    headline: `${user.name}'s resume with nothing to replay was answered`,
    evaluated: ['GP-5.22'],
    violations: answers.length === 0 ? [] : [violation('GP-5.22', `resuming run ${short(resume.runId)} after its last event was answered with ${answers.map((frame) => frameType(frame) ?? frame.text.slice(0, 40)).join(', ')}: a resume with nothing to replay must answer nothing, or clients must handle noise they did not ask for`)],
  };
}

/** PROTOCOL §1: with AGENT_STEP_DELAY_MS each step — a thought, a tool call — took at least that long. */
export function judgePacing(run: WatchedRun, stepDelayMs: number): Judgement {
  // A step begins with its thought or its tool call; the next one may not begin sooner than the delay after it.
  const starts = run.events.filter((event) => event.runId === run.accepted.runId && (event.type === 'agent_thinking' || event.type === 'tool_executing' || event.type === 'tool_completed'));
  // Measured on the server's own timestamps: delivery batches events, arrival times do not show the pace.
  const at = (event: (typeof starts)[number]): number => Date.parse(String(parseServerFrame(event.text)?.timestamp));
  const tolerance = Math.min(10, stepDelayMs / 4); // timer granularity, and timestamps in whole milliseconds
  const hurried = starts.slice(1).flatMap((event, index) => {
    const previous = starts[index] as (typeof starts)[number];
    const gap = at(event) - at(previous);
    return previous.type !== 'tool_completed' && gap < stepDelayMs - tolerance ? [`${previous.type} → ${event.type} after ${gap.toFixed(0)} ms`] : [];
  });
  return {
    headline: `${run.who}'s agent did not keep its pace of ${stepDelayMs} ms per step`,
    evaluated: ['GP-1.12'],
    violations: hurried.length === 0 ? [] : [violation('GP-1.12', `steps of run ${short(run.accepted.runId)} took less than AGENT_STEP_DELAY_MS (${hurried.slice(0, 4).join('; ')}): a suite cannot interrupt such a run mid-way, so resume and shutdown go unchecked`)],
  };
}

/** PROTOCOL §5: a tab opened while a run is going receives its later events live — from some event on, each once, in order, to the end — without resume. */
export function judgeJoinedLive(run: WatchedRun): Judgement {
  const own = run.events.filter((event) => event.runId === run.accepted.runId);
  const violations: Violation[] = [];
  if (!run.ended) {
    violations.push(violation('GP-5.24', `${run.tab.label}, opened while the agent was working, received ${own.length === 0 ? 'nothing' : `only ${own.map((event) => `#${String(event.seq)}`).join(' ')}`} of run ${short(run.accepted.runId)} and not its end: a user who opens a second tab sees nothing of the answer being written`));
  } else {
    const seqs = own.map((event) => event.seq);
    const first = typeof seqs[0] === 'number' ? seqs[0] : 1;
    const contiguous = seqs.every((seq, index) => seq === first + index);
    if (!contiguous) violations.push(violation('GP-5.18', `${run.tab.label} received run ${short(run.accepted.runId)} as ${seqs.map(String).join(', ')}: from the moment it joined, each event must come once, in order`));
  }
  return { headline: `${run.who}'s tab that joined mid-run did not follow the run live`, evaluated: ['GP-5.24', 'GP-5.18'], violations };
}

/** PROTOCOL §1: a run still going when the drain's grace ends is ended with an error agent_completed — explained — before its connection is closed with 1001. */
export function judgeEndedBeforeGoodbye(run: WatchedRun, close: import('../../client/chat-connection').CloseRecord | undefined): Judgement {
  const completion = run.events.find((event) => event.type === 'agent_completed' && event.runId === run.accepted.runId);
  const violations: Violation[] = [];
  if (completion === undefined) {
    violations.push(violation('GP-1.8', `${run.who}'s run ${short(run.accepted.runId)} was still going when the service shut down, and it never ended${close === undefined ? '' : ` before the connection closed (${close.code})`}: at every deploy users of long runs watch them vanish mid-answer`));
  } else {
    if (completion.data.status !== 'error') violations.push(violation('GP-1.8', `the run cut short by the shutdown ended with status ${JSON.stringify(completion.data.status)}, not error: the user is shown an answer the agent never finished`));
    if (close !== undefined && completion.receivedAt > close.at) violations.push(violation('GP-1.8', `the run's agent_completed came after the connection was closed: the user never sees why her answer stopped`));
  }
  if (close === undefined || close.code !== 1001) violations.push(violation('GP-1.10', `after the drain ${run.tab.label} ${close === undefined ? 'was not closed' : `was closed with ${close.code}`} instead of 1001: the client cannot tell a deploy from a failure`));
  return { headline: `${run.who}'s run was not ended properly by the shutdown`, evaluated: ['GP-1.8', 'GP-1.10', 'GP-5.9'], violations };
}
