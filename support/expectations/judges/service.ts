import { READINESS_STATUS, Timing, type Dependency, type ReadinessStatus } from '../../../protocol/constants';
import { readinessSays } from '../../oracle/readiness';
import { checkHttpBody } from '../../../protocol/schemas';
import type { HandshakeAttempt } from '../../actors/chat-user';
import type { HealthReading } from '../../client/health-client';
import { frameData, frameType } from '../../domain/frames';
import { violation, type Judgement, type Violation } from '../../oracle/violation';

/** How /health/ready was watched until it said what it should, or the deadline. */
export interface ReadinessObservation {
  readonly wanted: ReadinessStatus;
  readonly readings: readonly HealthReading[];
  /** The first reading that said `wanted` (status, HTTP code and dependencies). */
  readonly matched: HealthReading | undefined;
  /** When the dependency itself changed (performance.now()), if the scenario changed it. */
  readonly changedAt: number | undefined;
  readonly waitedMs: number;
}

const RULE_FOR: Record<ReadinessStatus, string> = { ready: 'GP-2.3', degraded: 'GP-2.4', unavailable: 'GP-2.5' };
const IMPACT: Record<ReadinessStatus, string> = {
  ready: 'the load balancer keeps the recovered instance out of rotation, so capacity never comes back',
  degraded: 'operators are not told the cache is down, and multi-instance delivery silently stops',
  unavailable: 'the load balancer keeps sending users to an instance that cannot serve chat',
};

/** /health/ready says `wanted`, with its HTTP code and dependencies, within 5 s of the change itself (PROTOCOL §2). */
export function judgeReadiness(observation: ReadinessObservation): Judgement {
  const { wanted, matched } = observation;
  const rule = RULE_FOR[wanted];
  const violations: Violation[] = [];
  const last = observation.readings.at(-1);
  if (matched === undefined) {
    violations.push(violation(rule, `/health/ready answered HTTP ${String(last?.status)} ${last?.text.slice(0, 160) ?? ''} for ${(observation.waitedMs / 1000).toFixed(1)} s instead of ${wanted} (HTTP ${READINESS_STATUS[wanted]}): ${IMPACT[wanted]}`));
  } else {
    for (const breach of checkHttpBody('readiness', matched.body)) violations.push(violation(rule, `/health/ready's body breaks the published schema at ${breach.path} (${breach.problem}): monitoring built from it misreads the service`));
  }
  // Within 5 s of the change itself: any answer to a request sent later than that must already say so.
  const { changedAt } = observation;
  const late = changedAt === undefined ? undefined : observation.readings.find((reading) => reading.sentAt - changedAt > Timing.readinessReflectsWithinMs && !readinessSays(reading, wanted));
  if (late !== undefined && changedAt !== undefined) {
    violations.push(violation('GP-2.6', `${((late.sentAt - changedAt) / 1000).toFixed(1)} s after the dependency changed, /health/ready still answered HTTP ${late.status} ${late.text.slice(0, 120)} instead of ${wanted} (limit ${Timing.readinessReflectsWithinMs / 1000} s): traffic is routed by a picture of the service that is out of date`));
  }
  return { headline: 'the readiness endpoint does not tell the truth', evaluated: observation.changedAt === undefined ? [rule] : [rule, 'GP-2.6'], violations };
}

/** A new tab's connection_established lists exactly the dependencies that are down (PROTOCOL §4). */
export function judgeDegradedWarning(attempt: HandshakeAttempt, down: readonly Dependency[]): Judgement {
  const established = attempt.tab?.received.find((frame) => frameType(frame) === 'connection_established');
  const degraded = established === undefined ? undefined : frameData(established).degraded;
  const listed = Array.isArray(degraded) ? [...(degraded as unknown[])].map(String).sort() : undefined;
  const expected = [...down].sort();
  return {
    headline: `${attempt.label} misreports the service's health`,
    evaluated: ['GP-4.8'],
    violations: JSON.stringify(listed) === JSON.stringify(expected) ? [] : [violation('GP-4.8', established === undefined
      ? `the new tab never got connection_established: the client cannot tell the user anything about the service`
      : `connection_established says degraded ${JSON.stringify(degraded)} while ${expected.length === 0 ? 'everything is up' : `${expected.join(' and ')} ${expected.length === 1 ? 'is' : 'are'} down`}: the client cannot warn the user that answers may fail, or keeps warning her after recovery`)],
  };
}

/** /health answers 200 ok with the published body (PROTOCOL §2). */
export function judgeHealthy(reading: HealthReading, after: string): Judgement {
  const breaches = checkHttpBody('health', reading.body);
  return {
    headline: `the chat service is unhealthy ${after}`,
    evaluated: ['GP-2.1'],
    violations: reading.status === 200 && breaches.length === 0 ? [] : [violation('GP-2.1', `/health answered HTTP ${reading.status} ${reading.text.slice(0, 160)}${breaches.length > 0 ? ` (${breaches.map((breach) => `${breach.path} ${breach.problem}`).join('; ')})` : ''}: the platform takes the instance out of rotation or restarts it, cutting off every user on it`)],
  };
}

/** /health connections moved from `before` by `delta` (PROTOCOL §2: it counts this instance's open WebSockets). */
export function judgeConnectionCount(before: number, now: number | undefined, delta: number, what: string): Judgement {
  const expected = before + delta;
  const holds = now === expected;
  return {
    headline: `/health does not count the open connections`,
    evaluated: ['GP-2.2'],
    violations: holds ? [] : [violation('GP-2.2', `after ${what} /health counts ${String(now)} open connections, not ${expected} (${before} before${delta === 0 ? '' : `, ${delta > 0 ? '+' : ''}${delta}`}): ${now !== undefined && now > expected ? 'every reconnecting user leaks a slot, so the instance fills up and refuses real users, and autoscaling reads a load that isn\'t there' : 'operators and autoscaling cannot see how many users are connected'}`)],
  };
}

/** How a backend started with a configuration problem ended (PROTOCOL §1). */
export interface MisconfiguredStart {
  readonly problem: string;
  /** Its exit within the deadline, or undefined when it was still running. */
  readonly exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
  readonly limitMs: number;
  /** Its port accepted a connection while it ran. */
  readonly answered: boolean;
  readonly stderr: string;
}

export function judgeRefusedToStart(start: MisconfiguredStart): Judgement {
  const violations: Violation[] = [];
  if (start.exit === undefined) {
    violations.push(violation('GP-1.2', `it was still running ${(start.limitMs / 1000).toFixed(0)} s after starting with ${start.problem}: a misconfigured deploy looks healthy to the platform, and users meet the failure instead (every login, or every message, fails)`));
  } else if (start.exit.code === 0 || start.exit.code === null) {
    violations.push(violation('GP-1.2', `it exited with ${start.exit.code === null ? `signal ${String(start.exit.signal)}` : 'code 0'}: the deploy pipeline reads success and rolls out a broken configuration`));
  }
  return { headline: `a backend with ${start.problem} did not refuse to start`, evaluated: ['GP-1.2'], violations };
}

export function judgeNamesVariable(start: MisconfiguredStart, variable: string): Judgement {
  return {
    headline: 'the refusal does not say what is wrong',
    evaluated: ['GP-1.3'],
    violations: start.stderr.includes(variable) ? [] : [violation('GP-1.3', `its error output does not name ${variable} (${JSON.stringify(start.stderr.slice(-300))}): the on-call engineer has to guess which setting broke the deploy`)],
  };
}

export function judgeNeverServed(start: MisconfiguredStart): Judgement {
  return {
    headline: 'a misconfigured backend served traffic',
    evaluated: ['GP-1.4'],
    violations: start.answered ? [violation('GP-1.4', `its port accepted connections although it was started with ${start.problem}: users were let into a chat that cannot work`)] : [],
  };
}

/** Instances started at the same moment on an empty database: each is ready, or the reason it is not (PROTOCOL §1). */
export function judgeInstancesReady(starts: ReadonlyArray<{ label: string; failure?: string; readiness?: HealthReading }>): Judgement {
  const violations: Violation[] = [];
  for (const start of starts) {
    if (start.failure !== undefined) {
      violations.push(violation('GP-1.1', `instance ${start.label} failed to start while another one migrated the same empty database (${start.failure.slice(0, 300)}): every rolling deploy of a new environment risks an instance that never comes up`));
    } else if (start.readiness !== undefined && !readinessSays(start.readiness, 'ready')) {
      violations.push(violation('GP-1.1', `instance ${start.label} still answered /health/ready with HTTP ${start.readiness.status} ${start.readiness.text.slice(0, 160)} ${Timing.readinessReflectsWithinMs / 1000} s after it came up: it started on a half-migrated schema, or never got past the other's migration, and cannot serve chat`));
    }
  }
  return { headline: 'instances deployed together did not all come up', evaluated: ['GP-1.1'], violations };
}

/** The process exited 0 after SIGTERM (PROTOCOL §1). */
export function judgeCleanExit(exit: { code: number | null; signal: NodeJS.Signals | null } | undefined): Judgement {
  return {
    headline: 'the backend did not shut down cleanly',
    evaluated: ['GP-1.11'],
    violations: exit?.code === 0 ? [] : [violation('GP-1.11', `after SIGTERM it ${exit === undefined ? 'never exited' : exit.code === null ? `died of signal ${String(exit.signal)}` : `exited with code ${exit.code}`}: the platform records every deploy as a crash and may roll back a good release`)],
  };
}
