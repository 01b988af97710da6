/**
 * Timeouts and thresholds per environment. Step code never holds a number of
 * its own: it asks the profile, chosen by the cucumber profile's world
 * parameters (`environment: local | staging`).
 */
export interface EnvironmentProfile {
  readonly name: 'local' | 'staging';
  /** Cucumber step timeout: the longest any single step may take. */
  readonly stepTimeoutMs: number;
  /** Services plus backend must be ready within this. */
  readonly backendStartTimeoutMs: number;
  /** WebSocket upgrade plus `connection_established`. */
  readonly connectTimeoutMs: number;
  /** PROTOCOL §5: `message_accepted` within 1 s of the `user_message`. */
  readonly acceptedWithinMs: number;
  /** PROTOCOL §5: `agent_started` within 1 s after `message_accepted`. */
  readonly startedWithinMs: number;
  /** PROTOCOL §5: no gap over 15 s between events of a run. */
  readonly maxEventGapMs: number;
  /** PROTOCOL §5: with no step delay a run completes within 10 s. */
  readonly runCompletesWithinMs: number;
  /** PROTOCOL §5: a run that cannot finish still ends within 10 s of the failure. */
  readonly failureEndsWithinMs: number;
  /** Plain request/response waits (pong, an error frame, an HTTP answer). */
  readonly replyWithinMs: number;
  /** How long a backend gets to exit after SIGTERM before it is killed. */
  readonly shutdownGraceMs: number;
  /** AGENT_STEP_DELAY_MS of the paced backend: runs slow enough to interrupt and watch. */
  readonly pacedStepDelayMs: number;
}

const local: EnvironmentProfile = {
  name: 'local',
  stepTimeoutMs: 30_000,
  backendStartTimeoutMs: 10_000,
  connectTimeoutMs: 2_000,
  acceptedWithinMs: 1_000,
  startedWithinMs: 1_000,
  maxEventGapMs: 15_000,
  runCompletesWithinMs: 10_000,
  failureEndsWithinMs: 10_000,
  replyWithinMs: 2_000,
  shutdownGraceMs: 12_000,
  pacedStepDelayMs: 150,
};

/** A deployment over a real network: handshakes may take far longer. */
const staging: EnvironmentProfile = {
  ...local,
  name: 'staging',
  stepTimeoutMs: 60_000,
  connectTimeoutMs: 12_000,
  replyWithinMs: 10_000,
  runCompletesWithinMs: 30_000,
};

const profiles = { local, staging } as const;

export function environmentProfile(name: unknown): EnvironmentProfile {
  if (name === undefined) return local;
  if (name === 'local' || name === 'staging') return profiles[name];
  throw new Error(`unknown environment profile ${JSON.stringify(name)}: use "local" or "staging" in worldParameters.environment`);
}
