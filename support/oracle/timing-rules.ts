import type { EnvironmentProfile } from '../config/environment-profile';
import type { Violation } from './event-rules';

export interface RunTimeline {
  readonly who: string;
  readonly runId: string;
  /** When the user_message left the client. */
  readonly sentAt: number;
  readonly acceptedAt: number;
  /** Receive times of the run's events, in arrival order, with their types. */
  readonly events: ReadonlyArray<{ readonly type: string; readonly receivedAt: number }>;
}

export interface TimingFigures {
  readonly acceptedMs: number;
  readonly startedMs: number | undefined;
  readonly longestGapMs: number;
  readonly totalMs: number | undefined;
}

export type TimingRule = 'message_accepted within 1 s' | 'agent_started within 1 s after acceptance' | 'no gap over 15 s between events';

export interface TimingViolation extends Omit<Violation, 'rule'> {
  readonly rule: TimingRule;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** PROTOCOL §5's timing rules, measured on one run, with the figures. */
export function reviewTiming(
  timeline: RunTimeline,
  profile: Pick<EnvironmentProfile, 'acceptedWithinMs' | 'startedWithinMs' | 'maxEventGapMs'>,
): { figures: TimingFigures; violations: TimingViolation[] } {
  const violations: TimingViolation[] = [];
  const acceptedMs = timeline.acceptedAt - timeline.sentAt;
  if (acceptedMs > profile.acceptedWithinMs) {
    violations.push({ rule: 'message_accepted within 1 s', message: `${timeline.who} waited ${seconds(acceptedMs)} for message_accepted (limit ${seconds(profile.acceptedWithinMs)}): the message looks unsent, and users press send again` });
  }
  const started = timeline.events.find((event) => event.type === 'agent_started');
  const startedMs = started === undefined ? undefined : started.receivedAt - timeline.acceptedAt;
  if (startedMs !== undefined && startedMs > profile.startedWithinMs) {
    violations.push({ rule: 'agent_started within 1 s after acceptance', message: `${timeline.who} saw agent_started ${seconds(startedMs)} after her message was accepted (limit ${seconds(profile.startedWithinMs)}): the chat looks stuck before the agent even begins` });
  }
  let longestGapMs = 0;
  let previous = timeline.acceptedAt;
  for (const event of timeline.events) {
    longestGapMs = Math.max(longestGapMs, event.receivedAt - previous);
    previous = event.receivedAt;
  }
  if (longestGapMs > profile.maxEventGapMs) {
    violations.push({ rule: 'no gap over 15 s between events', message: `${timeline.who} saw no event of run ${timeline.runId.slice(0, 8)} for ${seconds(longestGapMs)} (limit ${seconds(profile.maxEventGapMs)}): the chat looks frozen and users abandon the answer` });
  }
  const completion = timeline.events.find((event) => event.type === 'agent_completed');
  return {
    figures: { acceptedMs, startedMs, longestGapMs, totalMs: completion === undefined ? undefined : completion.receivedAt - timeline.sentAt },
    violations,
  };
}
