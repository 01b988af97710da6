/**
 * Golden Path Protocol v1 as data: every number and name the protocol states,
 * written once. The suite and the reference backend both import this module;
 * it imports neither (ESLint enforces it). Section numbers refer to
 * ../shared/PROTOCOL.md, told in our words in docs/protocol.md.
 */

export const PROTOCOL_VERSION = 1;

/** §3: the WebSocket endpoint. */
export const WEBSOCKET_PATH = '/ws';
/** §2: health, readiness and history. */
export const HttpPath = {
  health: '/health',
  readiness: '/health/ready',
  /** `/api/threads/{thread_id}/messages` */
  history: (threadId: string): string => `/api/threads/${encodeURIComponent(threadId)}/messages`,
  /** §10 (optional): test tokens for deployments. */
  testToken: '/auth/test-token',
} as const;

/** §3: the browser form of the token: subprotocols `jwt-auth` and `jwt.<base64url(jwt)>`. */
export const Subprotocol = { jwtAuth: 'jwt-auth', tokenPrefix: 'jwt.' } as const;

/** §3 and §8: limits. */
export const Limits = {
  /** §8: a message over this many bytes, after reassembly, closes with 1009. */
  maxMessageBytes: 64 * 1024,
  /** §4: `content` is 1..8000 Unicode code points. */
  maxContentCodePoints: 8_000,
  /** §8: more than this many client frames in one second on one connection are rate limited... */
  rateLimitFrames: 20,
  /** ...within this window. */
  rateWindowMs: 1_000,
  /** §8: `retry_after_ms` is at most this. */
  maxRetryAfterMs: 1_000,
  /** §3: more than this many open connections of one user on one instance get 429. */
  maxConnectionsPerUser: 10,
  /** §1: `JWT_SECRET` has at least this many bytes. */
  minJwtSecretBytes: 32,
  /** §3: a token whose `exp` is more than this far past is always refused. */
  maxClockLeewaySeconds: 5,
  /** §3: `sub` is 1 to 128 characters of this alphabet. */
  maxUserIdLength: 128,
} as const;

/** §3: what a user id (the token's `sub`) may be. */
export const USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
/** §4: ids are UUID strings. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** §4: server timestamps are RFC 3339 in UTC, ending in Z or +00:00. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$/;

/** §9 close codes (and the two a backend must never cause). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  UnsupportedData: 1003,
  /** Closed without a close frame: what a client reports when the TCP connection just drops. */
  Abnormal: 1006,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  /** §9: a backend MUST NOT close with it. */
  InternalError: 1011,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** §3: HTTP answers to a refused handshake (before the upgrade). */
export const RefusalStatus = { Unauthorized: 401, Forbidden: 403, TooManyConnections: 429 } as const;

/** §4: the codes of an `error` frame. */
export const ERROR_CODES = ['INVALID_MESSAGE', 'UNSUPPORTED_TYPE', 'NOT_FOUND', 'FORBIDDEN', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorCode = Object.fromEntries(ERROR_CODES.map((code) => [code, code])) as { readonly [C in ErrorCode]: C };

/** §4: what a client may send. */
export const CLIENT_FRAME_TYPES = ['user_message', 'resume', 'ping'] as const;
export type ClientFrameType = (typeof CLIENT_FRAME_TYPES)[number];

/** §5: the five events of a run, the only frames that carry `seq`. */
export const RUN_EVENT_TYPES = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** §4: what a server sends (clients ignore any other type). */
export const SERVER_FRAME_TYPES = ['connection_established', 'message_accepted', ...RUN_EVENT_TYPES, 'error', 'pong'] as const;
export type ServerFrameType = (typeof SERVER_FRAME_TYPES)[number];

export function isRunEventType(type: unknown): type is RunEventType {
  return typeof type === 'string' && (RUN_EVENT_TYPES as readonly string[]).includes(type);
}

/** §3: the permissions claim. */
export const Permission = { Read: 'read', Write: 'write' } as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

/** §2 and §6: the dependencies a backend reports, and its readiness. */
export const DEPENDENCIES = ['postgres', 'redis'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];
export const READINESS_STATUS = { ready: 200, degraded: 200, unavailable: 503 } as const;
export type ReadinessStatus = keyof typeof READINESS_STATUS;

/** The deadlines and bounds the protocol states, in milliseconds. */
export const Timing = {
  /** §5: `message_accepted` within 1 s of the `user_message`. */
  acceptedWithinMs: 1_000,
  /** §5: `agent_started` within 1 s after `message_accepted`. */
  startedWithinMs: 1_000,
  /** §5: no gap over 15 s between events of a run. */
  maxEventGapMs: 15_000,
  /** §5: with AGENT_STEP_DELAY_MS = 0 a run completes within 10 s. */
  runCompletesWithinMs: 10_000,
  /** §5: a run that cannot finish still ends within 10 s of the failure. */
  failureEndsWithinMs: 10_000,
  /** §5: a run whose instance died is ended within 30 s while another instance shares the database. */
  deadInstanceRunEndsWithinMs: 30_000,
  /** §6: with PostgreSQL down, SERVICE_UNAVAILABLE within 5 s. */
  unavailableWithinMs: 5_000,
  /** §2: /health/ready reflects a dependency change within 5 s. */
  readinessReflectsWithinMs: 5_000,
  /** §1: a configuration error ends the process within 10 s. */
  configErrorExitWithinMs: 10_000,
  /** §1: on SIGTERM in-flight runs get up to 10 s. */
  shutdownDrainMs: 10_000,
  /** §3: an expired session is closed with 1008 within 2 s after `exp` plus the leeway. */
  expiryCloseWithinMs: 2_000,
} as const;

/** §10 (optional): test tokens for deployments. */
export const TestTokens = {
  keyHeader: 'X-E2E-Token-Key',
  minKeyBytes: 32,
  minExpiresInSeconds: 1,
  maxExpiresInSeconds: 3_600,
  /** More than this many requests a minute for one key get 429. */
  maxRequestsPerMinute: 600,
} as const;

/** §1: the environment a backend is launched with. */
export const LAUNCH_VARIABLES = ['HOST', 'PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'JWT_ISSUER', 'JWT_AUDIENCE', 'AGENT_STEP_DELAY_MS', 'INSTANCE_ID'] as const;
