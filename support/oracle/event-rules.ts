import { isObject, parseJson, sameJsonValue } from '../domain/json';
import type { ObservedEvent } from './run-events';
import { violation, type Violation } from './violation';

/**
 * The oracle: PROTOCOL §5's rules for one run's event stream, each broken
 * rule phrased as what the user experiences and why it matters, and named by
 * its id in protocol/rules.ts. Pure: a recorded run in, violations out.
 */
export interface RunUnderReview {
  /** Who watched the run, for the messages: "Alice". */
  readonly who: string;
  readonly runId: string;
  readonly threadId: string;
  readonly userId: string;
  /** The run's events as one connection received them, in arrival order (see eventsUnderReview). */
  readonly events: readonly ObservedEvent[];
  /** The request asked for a cost analysis with recommendations (§5.3: at least one tool). */
  readonly asksForAnalysis: boolean;
}

type Check = (run: RunUnderReview) => Violation[];

/** The rules the checks below evaluate, in the order of PROTOCOL §5. */
export const EVENT_RULE_IDS = ['GP-5.3', 'GP-5.4', 'GP-5.5', 'GP-5.6', 'GP-5.7', 'GP-5.8', 'GP-5.9', 'GP-5.10', 'GP-5.11', 'GP-5.18'] as const;

const shortId = (id: unknown): string => (typeof id === 'string' ? id.slice(0, 8) : JSON.stringify(id));
const runLabel = (run: RunUnderReview): string => `run ${shortId(run.runId)}`;

const startedFirstOnce: Check = (run) => {
  const rule = 'GP-5.3';
  const starts = run.events.filter((event) => event.type === 'agent_started');
  if (starts.length === 0) {
    return [violation(rule, `${run.who} never saw agent_started in ${runLabel(run)}: nothing told the user the agent picked up the request, so the chat looks dead and users resend or leave`)];
  }
  const violations: Violation[] = [];
  if (starts.length > 1) {
    violations.push(violation(rule, `${run.who} saw agent_started ${starts.length} times in ${runLabel(run)}: the progress display restarts mid-answer, which looks like the agent crashed and began again`));
  }
  const first = run.events[0];
  if (first?.type !== 'agent_started') {
    violations.push(violation(rule, `${runLabel(run)} began with ${first?.type ?? 'nothing'} instead of agent_started: the user sees work before the agent has visibly started, so the UI cannot show a coherent progress story`));
  } else if (first.seq !== 1) {
    violations.push(violation(rule, `agent_started of ${runLabel(run)} has seq ${JSON.stringify(first.seq)}, not 1: a client resuming from seq 0 would miss or misplace the start of the run`));
  }
  return violations;
};

const thinkingBeforeCompletion: Check = (run) => {
  const completion = run.events.findIndex((event) => event.type === 'agent_completed');
  const before = completion === -1 ? run.events : run.events.slice(0, completion);
  const thoughts = before.filter((event) => event.type === 'agent_thinking');
  const violations: Violation[] = [];
  const rule = 'GP-5.4';
  if (thoughts.length === 0) {
    violations.push(violation(rule, `${run.who} saw no agent_thinking before agent_completed in ${runLabel(run)}: for the whole run the chat showed no sign of progress, so the product looks frozen while it works`));
  }
  for (const thought of thoughts) {
    const text = thought.data.thought;
    if (typeof text !== 'string' || text.trim() === '') {
      violations.push(violation(rule, `agent_thinking seq ${JSON.stringify(thought.seq)} of ${runLabel(run)} has an empty thought: the user sees a blank progress line instead of what the agent is doing`));
    }
  }
  return violations;
};

const toolsPaired: Check = (run) => {
  const rule = 'GP-5.5';
  const violations: Violation[] = [];
  const open = new Map<string, ObservedEvent>();
  const seen = new Set<string>();
  let completed = false;
  for (const event of run.events) {
    if (event.type === 'agent_completed') completed = true;
    if (event.type !== 'tool_executing' && event.type !== 'tool_completed') continue;
    const callId = event.data.tool_call_id;
    const name = String(event.data.tool_name);
    if (typeof callId !== 'string' || callId === '') {
      violations.push(violation(rule, `${event.type} seq ${JSON.stringify(event.seq)} of ${runLabel(run)} has no tool_call_id: the UI cannot tell which tool's spinner to stop`));
      continue;
    }
    if (completed) {
      violations.push(violation(rule, `${event.type} for ${name} (${shortId(callId)}) arrived after agent_completed in ${runLabel(run)}: the answer was already shown as final, and a tool still running afterwards makes it untrustworthy`));
    }
    if (event.type === 'tool_executing') {
      if (seen.has(callId)) {
        violations.push(violation(rule, `tool call ${shortId(callId)} (${name}) started twice in ${runLabel(run)}: the user sees the same step run again with no explanation`));
      }
      seen.add(callId);
      open.set(callId, event);
    } else if (!open.delete(callId)) {
      violations.push(violation(rule, `tool_completed for ${name} (${shortId(callId)}) in ${runLabel(run)} has no tool_executing before it: the user is told a tool finished that was never shown starting`));
    } else if (event.data.status !== 'success' && event.data.status !== 'error') {
      violations.push(violation(rule, `tool_completed for ${name} (${shortId(callId)}) in ${runLabel(run)} has status ${JSON.stringify(event.data.status)}: the user cannot tell whether the step worked`));
    }
  }
  for (const [callId, event] of open) {
    violations.push(violation(rule, `tool call ${shortId(callId)} (${String(event.data.tool_name)}) in ${runLabel(run)} never completed: the user watches a spinner that never stops, and cannot trust the answer built on that tool`));
  }
  return violations;
};

const analysisUsesTool: Check = (run) => {
  if (!run.asksForAnalysis) return [];
  // Judged on a successful answer only: a run that failed or never ended may not have reached its tools, and other rules say so.
  const completion = run.events.find((event) => event.type === 'agent_completed');
  if (completion === undefined || completion.data.status !== 'success') return [];
  return run.events.some((event) => event.type === 'tool_executing')
    ? []
    : [violation('GP-5.6', `${run.who} asked for a cost analysis but ${runLabel(run)} ran no tool: the recommendations are not computed from her figures, so the advice is not grounded in her spend`)];
};

const completedLastOnce: Check = (run) => {
  const rule = 'GP-5.7';
  const completions = run.events.filter((event) => event.type === 'agent_completed');
  if (completions.length === 0) {
    return [violation(rule, `${run.who} never received agent_completed for ${runLabel(run)}: the user waits for an answer that never comes — the product's core value is lost`)];
  }
  const violations: Violation[] = [];
  if (completions.length > 1) {
    violations.push(violation(rule, `${run.who} received agent_completed ${completions.length} times in ${runLabel(run)}: the answer is shown twice or replaced, and the user cannot tell which one counts`));
  }
  const last = run.events[run.events.length - 1];
  if (last?.type !== 'agent_completed') {
    violations.push(violation(rule, `${last?.type ?? 'an event'} arrived after agent_completed in ${runLabel(run)}: the UI already presented the final answer, and late events corrupt or reopen it`));
  }
  return violations;
};

const outcomeExplained: Check = (run) => {
  const completion = run.events.find((event) => event.type === 'agent_completed');
  if (completion === undefined) return [];
  const { status, result, error } = completion.data;
  if (status === 'success') {
    const violations: Violation[] = [];
    const rule = 'GP-5.8';
    const record = isObject(result) ? result : undefined;
    if (record === undefined || typeof record.summary !== 'string' || record.summary.trim() === '') {
      violations.push(violation(rule, `the successful ${runLabel(run)} has no summary: ${run.who} waited for an answer and got an empty one`));
    }
    const recommendations = record?.recommendations;
    const titled = Array.isArray(recommendations)
      ? recommendations.filter((item) => isObject(item) && typeof item.title === 'string' && item.title.trim() !== '')
      : [];
    if (titled.length === 0) {
      violations.push(violation(rule, `the successful ${runLabel(run)} has no recommendation with a title: ${run.who} asked what to do about her spend and got nothing actionable — the value she pays for`));
    }
    return violations;
  }
  if (status === 'error') {
    const record = isObject(error) ? error : undefined;
    const explained =
      record !== undefined && typeof record.code === 'string' && typeof record.message === 'string' && typeof record.retryable === 'boolean';
    return explained
      ? []
      : [violation('GP-5.9', `the failed ${runLabel(run)} carries no error object with code, message and retryable: ${run.who} sees a failure but cannot tell what happened or whether to try again`)];
  }
  return [violation('GP-5.9', `agent_completed of ${runLabel(run)} has status ${JSON.stringify(status)}, neither success nor error: the client cannot tell whether ${run.who} got an answer`)];
};

const seqContiguous: Check = (run) => {
  const rule = 'GP-5.10';
  const violations: Violation[] = [];
  let expected = 1;
  for (const event of run.events) {
    if (typeof event.seq !== 'number' || !Number.isInteger(event.seq)) {
      violations.push(violation(rule, `${event.type} in ${runLabel(run)} has seq ${JSON.stringify(event.seq)}: without a number, a reconnecting client cannot tell what it missed`));
      continue;
    }
    if (event.seq > expected) {
      const missing = event.seq - expected === 1 ? `event ${expected} was` : `events ${expected}–${event.seq - 1} were`;
      violations.push(violation(rule, `seq jumps from ${expected - 1} to ${event.seq} in ${runLabel(run)}: ${missing} lost on the way to ${run.who}, so part of the agent's work never reached her`));
    } else if (event.seq < expected) {
      // The same event delivered again is a delivery fault (each event once, in order); another event under a used number is a numbering fault.
      const delivered = run.events.find((other) => other !== event && other.seq === event.seq && other.index < event.index);
      const again = delivered !== undefined && sameJsonValue(parseJson(delivered.text), parseJson(event.text));
      violations.push(again
        ? violation('GP-5.18', `${event.type} seq ${event.seq} of ${runLabel(run)} was delivered to ${run.who} twice: without a resume each event comes once, so her screen shows a step twice`)
        : violation(rule, `seq ${event.seq} arrived again (or out of order) after ${expected - 1} in ${runLabel(run)}: ${run.who} is shown a step twice or in the wrong order`));
      continue;
    }
    expected = event.seq + 1;
  }
  return violations;
};

const idsConsistent: Check = (run) => {
  const rule = 'GP-5.11';
  return run.events.flatMap((event) => {
    const wrong: string[] = [];
    if (event.runId !== run.runId) wrong.push(`run_id ${shortId(event.runId)} instead of ${shortId(run.runId)}`);
    if (event.threadId !== run.threadId) wrong.push(`thread_id ${shortId(event.threadId)} instead of ${shortId(run.threadId)}`);
    if (event.userId !== run.userId) wrong.push(`user_id ${JSON.stringify(event.userId)} instead of ${JSON.stringify(run.userId)}`);
    return wrong.length === 0
      ? []
      : [violation(rule, `${event.type} seq ${JSON.stringify(event.seq)} of ${runLabel(run)} carries ${wrong.join(', ')}: a client would file this event under the wrong conversation, or show it to the wrong person`)];
  });
};

export const EVENT_RULES: ReadonlyArray<Check> = [
  startedFirstOnce,
  thinkingBeforeCompletion,
  toolsPaired,
  analysisUsesTool,
  completedLastOnce,
  outcomeExplained,
  seqContiguous,
  idsConsistent,
];

/**
 * The stream without repeated deliveries: an event that is an identical copy
 * (same seq, same JSON value) of one that came before it. A repeat is a
 * delivery fault, which seqContiguous reports (GP-5.18); the other rules judge
 * the run's events, each once, so that a repeat is not also called a second
 * start, a second completion or a tool call begun twice.
 */
function withoutRepeats(events: readonly ObservedEvent[]): ObservedEvent[] {
  const seen = new Map<unknown, unknown[]>();
  return events.filter((event) => {
    const value = parseJson(event.text);
    const copies = seen.get(event.seq) ?? [];
    if (copies.some((copy) => sameJsonValue(copy, value))) return false;
    seen.set(event.seq, [...copies, value]);
    return true;
  });
}

/** Every violation of PROTOCOL §5 in one run's stream; empty when the run is right. */
export function reviewRun(run: RunUnderReview): Violation[] {
  const once = { ...run, events: withoutRepeats(run.events) };
  return EVENT_RULES.flatMap((check) => (check === seqContiguous ? check(run) : check(once)));
}

