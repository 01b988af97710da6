import { violation, type Violation } from './violation';

/** The times of one run as one connection saw them (performance.now() ms). */
export interface RunTimeline {
  readonly who: string;
  readonly runId: string;
  /** When the user_message left the client. */
  readonly sentAt: number;
  readonly acceptedAt: number;
  /** Receive times of the run's events, in arrival order, with their types. */
  readonly events: ReadonlyArray<{ readonly type: string; readonly receivedAt: number }>;
}

/** The deadlines a run is held to (PROTOCOL §5, possibly widened by the environment profile). */
export interface TimingLimits {
  readonly acceptedWithinMs: number;
  readonly startedWithinMs: number;
  readonly maxEventGapMs: number;
  /** Undefined when the backend paces its agent (AGENT_STEP_DELAY_MS > 0): the 10 s bound is for an unpaced one. */
  readonly completesWithinMs: number | undefined;
}

export interface TimingFigures {
  readonly acceptedMs: number;
  readonly startedMs: number | undefined;
  readonly longestGapMs: number;
  readonly totalMs: number | undefined;
}

export const TIMING_RULE_IDS = ['GP-5.12', 'GP-5.13', 'GP-5.14', 'GP-5.15'] as const;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** PROTOCOL §5's timing rules, measured on one run, with the figures. */
export function reviewTiming(timeline: RunTimeline, limits: TimingLimits): { figures: TimingFigures; violations: Violation[] } {
  const violations: Violation[] = [];
  const acceptedMs = timeline.acceptedAt - timeline.sentAt;
  if (acceptedMs > limits.acceptedWithinMs) {
    violations.push(violation('GP-5.12', `${timeline.who} waited ${seconds(acceptedMs)} for message_accepted (limit ${seconds(limits.acceptedWithinMs)}): the message looks unsent, and users press send again`));
  }
  const started = timeline.events.find((event) => event.type === 'agent_started');
  const startedMs = started === undefined ? undefined : started.receivedAt - timeline.acceptedAt;
  if (startedMs !== undefined && startedMs > limits.startedWithinMs) {
    violations.push(violation('GP-5.13', `${timeline.who} saw agent_started ${seconds(startedMs)} after her message was accepted (limit ${seconds(limits.startedWithinMs)}): the chat looks stuck before the agent even begins`));
  }
  let longestGapMs = 0;
  let previous = timeline.acceptedAt;
  for (const event of timeline.events) {
    longestGapMs = Math.max(longestGapMs, event.receivedAt - previous);
    previous = event.receivedAt;
  }
  if (longestGapMs > limits.maxEventGapMs) {
    violations.push(violation('GP-5.14', `${timeline.who} saw no event of run ${timeline.runId.slice(0, 8)} for ${seconds(longestGapMs)} (limit ${seconds(limits.maxEventGapMs)}): the chat looks frozen and users abandon the answer`));
  }
  const completion = timeline.events.find((event) => event.type === 'agent_completed');
  const totalMs = completion === undefined ? undefined : completion.receivedAt - timeline.sentAt;
  if (totalMs !== undefined && limits.completesWithinMs !== undefined && totalMs > limits.completesWithinMs) {
    violations.push(violation('GP-5.15', `${timeline.who}'s run ${timeline.runId.slice(0, 8)} took ${seconds(totalMs)} to complete (limit ${seconds(limits.completesWithinMs)} for an agent without step delay): the answer arrives long after the product promises it`));
  }
  return { figures: { acceptedMs, startedMs, longestGapMs, totalMs }, violations };
}
