/**
 * The catalogue of planted faults: deliberate, named deviations from the
 * protocol that the specification suite must detect. The clean backend runs
 * with none of them and knows nothing of them: each fault is a wrapper around
 * components (./wrappers.ts), composed only when `--fault` names it. This
 * module is plain data, light enough for the command line and --list-faults.
 */
export type FaultArea =
  | 'agent_events'
  | 'idempotency'
  | 'history'
  | 'race_conditions'
  | 'service_dependencies'
  | 'factory_initialization'
  | 'authentication'
  | 'hostile_input'
  | 'test_tokens';

export interface FaultDefinition {
  readonly name: string;
  /** The part of the protocol it breaks: verify-suite runs the features of that area against it. */
  readonly area: FaultArea;
  readonly description: string;
  /** The protocol rules it breaks, by id (e.g. `GP-5.2`, protocol/rules.ts): verify-suite runs the scenarios tagged with them. */
  readonly rules: readonly string[];
  /**
   * `caught` (the default): the suite must fail with one of `rules` violated.
   * `tolerated`: the backend does something the protocol allows and the
   * suite itself must cope with (a rule of the client's side, like GP-4.3):
   * verify-suite runs the whole suite against it and expects it green.
   */
  readonly expect?: 'caught' | 'tolerated';
}

export const FAULT_CATALOGUE = [
  { name: 'no_thinking', area: 'agent_events', rules: ['GP-5.4'], description: 'Runs emit no agent_thinking event at all.' },
  {
    name: 'unpaired_tool',
    area: 'agent_events', rules: ['GP-5.5'],
    description: 'The last tool_executing of a run never gets its tool_completed.',
  },
  {
    name: 'completed_before_tool',
    area: 'agent_events', rules: ['GP-5.5', 'GP-5.7'],
    description: 'agent_completed is emitted before the last tool_completed, which follows it.',
  },
  {
    name: 'seq_gap',
    area: 'agent_events', rules: ['GP-5.10'],
    description: 'seq skips one number after the first tool event of a run (1,2,3,5,...).',
  },
  {
    name: 'wrong_run_id',
    area: 'agent_events', rules: ['GP-5.11'],
    description: 'The first agent_thinking of each run carries a different, random run_id.',
  },
  {
    name: 'empty_recommendations',
    area: 'agent_events', rules: ['GP-5.8'],
    description: 'A successful run completes with result.recommendations = [].',
  },
  {
    name: 'lost_assistant_message',
    area: 'history', rules: ['GP-7.3'],
    description: "The assistant answer of a successful run is not stored in the thread's history.",
  },
  {
    name: 'duplicate_run_on_retry',
    area: 'idempotency', rules: ['GP-7.1'],
    description: 'A re-sent client_message_id is treated as new: new ids, a second user message and a second run.',
  },
  {
    name: 'failure_unexplained',
    area: 'agent_events', rules: ['GP-5.9'],
    description: "A failed run's agent_completed carries status error but no error object (no code, message or retryable).",
  },
  {
    name: 'started_twice',
    area: 'agent_events', rules: ['GP-5.3'],
    description: 'agent_started is emitted twice (seq 1 and again later with its own seq).',
  },
  {
    name: 'silent_failure',
    area: 'agent_events', rules: ['GP-5.16', 'GP-5.5', 'GP-5.7'],
    description:
      'A failing run (dependency lost mid-run, a tool failing) just stops: no error tool_completed for the open tool call, no error agent_completed.',
  },
  {
    name: 'no_thought_on_failure',
    area: 'agent_events', rules: ['GP-5.4'],
    description: "A run that fails before its first thought (PostgreSQL lost right after the acknowledgement) ends without one: the failure path's own agent_thinking is never emitted.",
  },
  {
    name: 'tool_events_hidden',
    area: 'agent_events', rules: ['GP-5.6'],
    description: 'Tool calls are treated as internal steps: the tools run, but no tool_executing or tool_completed is emitted, so an analysis shows no tool.',
  },
  {
    name: 'acceptance_backoff_first',
    area: 'agent_events', rules: ['GP-5.12'],
    description: "Accepting a message waits its retry loop's back-off (1.2 s) before the first attempt too: every message_accepted comes over 1 s late.",
  },
  {
    name: 'late_run_start',
    area: 'agent_events', rules: ['GP-5.13'],
    description: 'Accepted runs are started by a poller whose next tick is 1.5 s away: agent_started comes 1.5 s after message_accepted.',
  },
  {
    name: 'silent_tool_stall',
    area: 'agent_events', rules: ['GP-5.14', 'GP-5.15'],
    description: "The first tool call of every run waits 16 s on a cold upstream with no timeout, and nothing is emitted meanwhile: a 16 s gap in the run (and an unpaced run over 10 s).",
  },
  {
    name: 'step_delay_zero_ignored',
    area: 'agent_events', rules: ['GP-5.15'],
    description: 'AGENT_STEP_DELAY_MS is read as `Number(value) || 2000`: an explicit 0 falls back to 2 s per step, and a cost analysis takes about 14 s.',
  },
  {
    name: 'run_dies_with_socket',
    area: 'agent_events', rules: ['GP-5.17'],
    description: 'A run is tied to the connection that asked: once that connection closes, the run fails at its next step (an error agent_completed) instead of going on.',
  },
  {
    name: 'own_publications_redelivered',
    area: 'agent_events', rules: ['GP-5.18'],
    description: "The instance does not recognise its own Redis publications: each run event reaches the user's local tabs twice (directly, then as the echo from the bus).",
  },
  {
    name: 'replay_from_after_seq',
    area: 'agent_events', rules: ['GP-5.19'],
    description: 'The replay of a resume selects seq >= after_seq instead of seq > after_seq: it begins with the event the client already has.',
  },
  {
    name: 'replay_restamped',
    area: 'agent_events', rules: ['GP-5.20'],
    description: 'A replay rebuilds each stored frame with the time of the replay as its timestamp: an event seen live and replayed comes in two different versions.',
  },
  {
    name: 'resume_subscribes_again',
    area: 'agent_events', rules: ['GP-5.21'],
    description: "A resume subscribes its connection to the run's live events on top of the user's delivery: after the replay, every later event arrives twice.",
  },
  {
    name: 'empty_replay_not_found',
    area: 'agent_events', rules: ['GP-5.22'],
    description: 'A resume whose replay finds no event is answered NOT_FOUND, as if the run did not exist.',
  },
  {
    name: 'resume_unknown_run_silent',
    area: 'agent_events', rules: ['GP-5.23'],
    description: 'The resume ownership check asks whether the run belongs to someone else: a run that does not exist passes it, and its empty replay answers nothing instead of NOT_FOUND.',
  },
  {
    name: 'tabs_fixed_at_run_start',
    area: 'agent_events', rules: ['GP-5.24'],
    description: "Who receives a run is decided at its first event on the instance: a tab opened while the run is going gets none of it live.",
  },
  {
    name: 'fanout_awaits_each_socket',
    area: 'agent_events', rules: ['GP-5.13', 'GP-5.14', 'GP-5.15'],
    description: "Run events are delivered by one loop that sends to each tab in turn and waits until the tab's socket has taken the frame: a tab that stops reading holds up the run for every other tab.",
  },
  {
    name: 'retry_stores_message_again',
    area: 'idempotency', rules: ['GP-7.2'],
    description: 'A re-sent message is written to its thread again before the idempotency ledger is asked: the same ids come back and no second run starts, but the history holds the question twice.',
  },
  // race_conditions
  {
    name: 'early_frames_dropped',
    area: 'race_conditions', rules: ['GP-3.19'],
    description: 'Connection setup takes 150 ms, and every client frame received before connection_established is silently dropped.',
  },
  {
    name: 'burst_1011',
    area: 'race_conditions', rules: ['GP-9.1'],
    description:
      'While more than 20 upgrades arrived within the last 200 ms, every 10th newly established connection is closed with 1011 right after connection_established.',
  },
  {
    name: 'connection_count_leak',
    area: 'race_conditions', rules: ['GP-2.2'],
    description: 'The /health connections counter is never decremented when a connection closes (slots are still released).',
  },
  {
    name: 'upgrade_then_close_when_full',
    area: 'race_conditions', rules: ['GP-3.17', 'GP-3.15'],
    description: "A user's 11th connection on the instance is upgraded (101) and then closed with 1011, instead of refused with 429.",
  },
  {
    name: 'setup_pool_exhausted',
    area: 'race_conditions', rules: ['TGT-storm'],
    description: "Each connection's setup takes a slot of a fixed pool of 100 per-connection subscribers and keeps it while open; once the pool is empty, setup waits for a free slot with no deadline: beyond 100 open tabs, new ones are upgraded but never told the chat is ready.",
  },
  {
    name: 'answers_before_ready',
    area: 'race_conditions', rules: ['GP-3.18', 'GP-3.19'],
    description: 'Connection setup takes 150 ms, and frames are handled as they arrive meanwhile: their answers come before connection_established.',
  },
  {
    name: 'early_frames_rate_limited',
    area: 'race_conditions', rules: ['GP-3.20'],
    description: 'Frames that arrive before connection_established count toward the rate limit: a client that sends more than 20 with its handshake is told to slow down.',
  },
  {
    name: 'slow_ready',
    area: 'race_conditions', rules: ['TGT-connect'],
    description: 'Slow but correct: connection setup takes 2.5 s, so connection_established comes after the local connect target (2 s).',
  },
  // service_dependencies
  {
    name: 'silent_when_db_down',
    area: 'service_dependencies', rules: ['GP-6.1'],
    description: 'While PostgreSQL is unavailable, a user_message gets no answer at all (no error frame).',
  },
  {
    name: 'no_db_recovery',
    area: 'service_dependencies', rules: ['GP-6.4', 'GP-6.2'],
    description:
      'Once a user_message failed because PostgreSQL was down, every later user_message is answered SERVICE_UNAVAILABLE until the process restarts.',
  },
  {
    name: 'ready_lies',
    area: 'service_dependencies', rules: ['GP-2.5', 'GP-2.4'],
    description: 'GET /health/ready always answers 200 ready with postgres and redis up.',
  },
  {
    name: 'redis_required',
    area: 'service_dependencies', rules: ['GP-6.3'],
    description: 'While Redis is down, user_message is answered SERVICE_UNAVAILABLE (Redis treated as required).',
  },
  {
    name: 'degraded_hidden',
    area: 'service_dependencies', rules: ['GP-4.8'],
    description: 'connection_established.degraded is always [].',
  },
  // factory_initialization
  {
    name: 'default_secret',
    area: 'factory_initialization', rules: ['GP-1.2'],
    description: 'A missing or short JWT_SECRET is not a configuration error: a built-in default secret is used silently.',
  },
  {
    name: 'broadcast_events',
    area: 'factory_initialization', rules: ['GP-5.2'],
    description: "Run events are delivered to every locally connected user, not only to the run's owner.",
  },
  {
    name: 'single_tab_delivery',
    area: 'factory_initialization', rules: ['GP-5.1'],
    description:
      'Run events are delivered only to the connection that sent the user_message (no other local tab, nothing published to other instances).',
  },
  {
    name: 'foreign_thread_accepted',
    area: 'factory_initialization', rules: ['GP-4.13'],
    description: "A user_message whose thread_id is another user's thread is accepted and appended to it (instead of NOT_FOUND).",
  },
  {
    name: 'sigterm_drops_sockets',
    area: 'factory_initialization', rules: ['GP-1.10', 'GP-1.7'],
    description: 'On SIGTERM the process exits 0 at once: no run drain, no close frames (sockets are just destroyed).',
  },
  {
    name: 'no_cross_instance_fanout',
    area: 'factory_initialization', rules: ['GP-5.1'],
    description: "Run events are never published to Redis: other instances' tabs get nothing live (resume still works).",
  },
  {
    name: 'migration_race',
    area: 'factory_initialization', rules: ['GP-1.1'],
    description:
      'The schema migration runs without the advisory lock (check, wait 300 ms, CREATE TABLE without IF NOT EXISTS): of two instances starting together on an empty database, one exits non-zero.',
  },
  {
    name: 'history_leak',
    area: 'factory_initialization', rules: ['GP-2.11'],
    description: "GET /api/threads/{id}/messages returns another user's thread (200 with its messages) instead of 404.",
  },
  // authentication
  {
    name: 'accept_expired',
    area: 'authentication', rules: ['GP-3.7'],
    description:
      'The token verifier does not check exp: an expired token is upgraded (then closed at once with 1008 by the session expiry timer) and accepted by the history API; a token without exp is still refused.',
  },
  {
    name: 'alg_none_accepted',
    area: 'authentication', rules: ['GP-3.5'],
    description: 'A token with "alg":"none" and an empty signature is accepted (its claims are still checked).',
  },
  {
    name: 'any_hmac_accepted',
    area: 'authentication', rules: ['GP-3.5'],
    description: 'HS384 and HS512 tokens signed with JWT_SECRET are accepted.',
  },
  { name: 'ignore_audience', area: 'authentication', rules: ['GP-3.10'], description: 'aud is not checked.' },
  {
    name: 'query_token_accepted',
    area: 'authentication', rules: ['GP-3.4'],
    description: 'A token in the query string (/ws?token=<jwt>) authenticates when no header or subprotocol token is present.',
  },
  {
    name: 'refuse_after_upgrade',
    area: 'authentication', rules: ['GP-3.15'],
    description: 'A handshake with a bad or missing token is upgraded (101) and then closed with 1008, instead of refused with 401.',
  },
  { name: 'no_expiry_close', area: 'authentication', rules: ['GP-3.21'], description: 'Connections are not closed when their token expires.' },
  { name: 'write_not_enforced', area: 'authentication', rules: ['GP-3.14'], description: 'user_message is accepted without the write permission.' },
  {
    name: 'header_token_ignored',
    area: 'authentication', rules: ['GP-3.1'],
    description: 'The Authorization header is looked up under a name Node never uses (it lower-cases headers): only a token in the subprotocols opens the chat.',
  },
  {
    name: 'subprotocol_not_selected',
    area: 'authentication', rules: ['GP-3.2'],
    description: 'The 101 selects no subprotocol although the client offered jwt-auth (browsers then abort the connection).',
  },
  {
    name: 'subprotocol_wins',
    area: 'authentication', rules: ['GP-3.3'],
    description: 'When both the header and the subprotocols carry a token, the subprotocol token is used.',
  },
  {
    name: 'signature_not_checked',
    area: 'authentication', rules: ['GP-3.6'],
    description: 'An HS256 token is accepted whatever its signature (its claims are still checked).',
  },
  { name: 'ignore_not_before', area: 'authentication', rules: ['GP-3.8'], description: 'nbf is not checked: a token not valid yet is accepted.' },
  { name: 'ignore_issuer', area: 'authentication', rules: ['GP-3.9'], description: 'iss is not checked: a token of another issuer, or of none, is accepted.' },
  {
    name: 'user_id_sanitized',
    area: 'authentication', rules: ['GP-3.11'],
    description: 'A sub with characters outside the alphabet, or over 128 characters, is cleaned (those characters removed, cut to 128) instead of refused.',
  },
  {
    name: 'case_insensitive_delivery',
    area: 'authentication', rules: ['GP-3.12', 'GP-5.2'],
    description: 'Run events are delivered to every local connection whose user id matches the run\'s ignoring case (Bob sees bob\'s runs).',
  },
  {
    name: 'read_not_required',
    area: 'authentication', rules: ['GP-3.13', 'GP-2.10'],
    description: 'The read permission is not required: any valid token opens the chat and reads history.',
  },
  {
    name: 'bare_refusal',
    area: 'authentication', rules: ['GP-3.16'],
    description: 'A refused handshake is answered with a bare status line (as in many WebSocket examples): no Content-Type, no JSON body.',
  },
  // hostile_input
  { name: 'malformed_json_closes', area: 'hostile_input', rules: ['GP-4.14', 'GP-4.11'], description: 'A text frame that is not JSON closes the connection with 1011.' },
  {
    name: 'error_then_close',
    area: 'hostile_input', rules: ['GP-4.14'],
    description: 'Text that is not JSON is answered INVALID_MESSAGE, then the connection is closed with 1008.',
  },
  { name: 'no_rate_limit', area: 'hostile_input', rules: ['GP-8.3'], description: 'No rate limit at all.' },
  { name: 'oversize_1011', area: 'hostile_input', rules: ['GP-8.1', 'GP-9.1'], description: 'A message over 64 KiB closes the connection with 1011 instead of 1009.' },
  {
    name: 'binary_accepted',
    area: 'hostile_input', rules: ['GP-8.2'],
    description: 'A binary frame is decoded as UTF-8 and processed like a text frame, instead of closing with 1003.',
  },
  {
    name: 'long_content_accepted',
    area: 'hostile_input', rules: ['GP-4.5'],
    description: 'A user_message content longer than 8,000 code points is accepted.',
  },
  // test_tokens (PROTOCOL §10, optional)
  {
    name: 'test_tokens_always_on',
    area: 'test_tokens',
    rules: ['GP-10.1'],
    description: 'Without E2E_TOKEN_KEY, POST /auth/test-token is still served, with a built-in key, instead of answering 404.',
  },
  {
    name: 'test_token_key_not_checked',
    area: 'test_tokens',
    rules: ['GP-10.3'],
    description: 'POST /auth/test-token mints a token whatever X-E2E-Token-Key says, or without one.',
  },
  {
    name: 'test_token_permissions_ignored',
    area: 'test_tokens',
    rules: ['GP-10.2'],
    description: 'Every test token carries read and write, whatever permissions were asked for.',
  },
  {
    name: 'test_token_body_unchecked',
    area: 'test_tokens',
    rules: ['GP-10.4'],
    description: 'expires_in is not checked against 1..3600: 0 s, 3,601 s and a day are all minted.',
  },
  {
    name: 'test_token_no_rate_limit',
    area: 'test_tokens',
    rules: ['GP-10.5'],
    description: 'POST /auth/test-token has no rate limit: a leaked key mints without bound.',
  },
  {
    name: 'test_token_text_errors',
    area: 'test_tokens',
    rules: ['GP-10.6'],
    description: 'Refused test-token requests are answered in plain text, not JSON.',
  },
  {
    name: 'timestamp_epoch_ms',
    area: 'hostile_input', rules: ['GP-4.1'],
    description: 'Every server frame\'s timestamp is a number of milliseconds since the epoch instead of an RFC 3339 UTC string.',
  },
  {
    name: 'seq_on_every_frame',
    area: 'hostile_input', rules: ['GP-4.2'],
    description: 'Every frame that is not a run event carries a top-level seq from a server-wide counter.',
  },
  {
    name: 'content_limit_utf16',
    area: 'hostile_input', rules: ['GP-4.4'],
    description: 'The content limit counts UTF-16 units: 8,000 code points with emoji are refused with INVALID_MESSAGE.',
  },
  {
    name: 'thread_id_ignored',
    area: 'hostile_input', rules: ['GP-4.6'],
    description: "A user_message's thread_id is ignored: every question starts a new thread.",
  },
  {
    name: 'pong_nonce_stringified',
    area: 'hostile_input', rules: ['GP-4.7'],
    description: 'The ping nonce is coerced to a string: a number or an object comes back as its String().',
  },
  {
    name: 'ack_before_commit',
    area: 'hostile_input', rules: ['GP-4.9'],
    description: 'message_accepted is sent before the accepting transaction commits (it commits 400 ms later; the run waits for it).',
  },
  {
    name: 'nul_internal',
    area: 'hostile_input', rules: ['GP-4.15'],
    description: 'Content is stored as it is: PostgreSQL text cannot hold U+0000, so a question containing one is answered INTERNAL.',
  },
  {
    name: 'error_without_ids',
    area: 'hostile_input', rules: ['GP-4.10'],
    description: 'An error answering a refused frame names neither its client_message_id nor its run_id.',
  },
  {
    name: 'error_without_run_id',
    area: 'hostile_input', rules: ['GP-4.16'],
    description: 'Every error frame is sent without its run_id, so a refused resume does not say which run it refuses.',
  },
  {
    name: 'unknown_type_invalid',
    area: 'hostile_input', rules: ['GP-4.12'],
    description: 'A frame of a type the protocol does not define gets INVALID_MESSAGE instead of UNSUPPORTED_TYPE.',
  },
  {
    name: 'retry_after_too_short',
    area: 'hostile_input', rules: ['GP-8.4'],
    description: 'retry_after_ms carries the wait in seconds (rounded up), so a client that waits it is refused again.',
  },
  {
    name: 'limit_off_by_one',
    area: 'hostile_input', rules: ['GP-8.5'],
    description: 'The rate limit refuses the 20th frame of a second (19 are served).',
  },
  // the instance's life: configuration, startup, health, drain, death (faults/lifecycle.ts)
  {
    name: 'config_error_unnamed',
    area: 'factory_initialization', rules: ['GP-1.3'],
    description: 'A configuration error is reported as one generic line ("the environment is not a valid configuration") that names no variable; the process still exits 78 before listening.',
  },
  {
    name: 'listens_before_config_check',
    area: 'factory_initialization', rules: ['GP-1.4'],
    description: 'The server starts listening (answering 503 to everything) before the configuration is checked; 1.5 s later it prints the configuration error and exits 78.',
  },
  {
    name: 'startup_migration_cached',
    area: 'service_dependencies', rules: ['GP-1.5', 'GP-6.4'],
    description: 'The first PostgreSQL probe (which makes the schema) is kept as a promise: when PostgreSQL was down at startup, the service reports itself unavailable forever, even once PostgreSQL is back.',
  },
  {
    name: 'drain_admits_handshakes',
    area: 'factory_initialization', rules: ['GP-1.6'],
    description: 'On SIGTERM the listener is closed only after the drain, and the upgrade path ignores the drain: a handshake during the drain gets a 101.',
  },
  {
    name: 'drain_abandons_late_runs',
    area: 'factory_initialization', rules: ['GP-1.8'],
    description: 'On SIGTERM the drain waits its grace period, then closes the sockets and exits: runs still going are abandoned without an agent_completed.',
  },
  {
    name: 'goodbye_1000',
    area: 'factory_initialization', rules: ['GP-1.10'],
    description: 'On SIGTERM, once the runs are done, every WebSocket is closed with 1000 (normal) instead of 1001 (going away).',
  },
  {
    name: 'drain_accepts_questions',
    area: 'factory_initialization', rules: ['GP-1.9'],
    description: 'During the drain a user_message is accepted and run, instead of answered SERVICE_UNAVAILABLE.',
  },
  {
    name: 'shutdown_exits_1',
    area: 'factory_initialization', rules: ['GP-1.11'],
    description: 'The last step of the graceful shutdown throws ("Cannot use a pool after calling end on the pool"), so the process exits 1 after an otherwise clean drain.',
  },
  {
    name: 'step_delay_thoughts_only',
    area: 'factory_initialization', rules: ['GP-1.12'],
    description: 'AGENT_STEP_DELAY_MS is applied after each agent_thinking, never to a tool call: tool calls complete at once.',
  },
  {
    name: 'instance_id_ignored',
    area: 'factory_initialization', rules: ['GP-1.13'],
    description: 'The instance names itself hostname-pid whatever INSTANCE_ID says, on /health and everywhere else.',
  },
  {
    name: 'health_says_healthy',
    area: 'factory_initialization', rules: ['GP-2.1'],
    description: 'GET /health answers 200 {"status":"healthy",...} instead of "ok".',
  },
  {
    name: 'unavailable_says_degraded',
    area: 'service_dependencies', rules: ['GP-2.5'],
    description: '/health/ready answers 200 degraded instead of 503 unavailable while PostgreSQL is down: the load balancer keeps the instance in rotation.',
  },
  {
    name: 'ready_says_ok',
    area: 'service_dependencies', rules: ['GP-2.3'],
    description: 'GET /health/ready answers 200 {"status":"ok",...} instead of "ready" when every dependency is up (degraded and unavailable are right).',
  },
  {
    name: 'readiness_debounced',
    area: 'service_dependencies', rules: ['GP-2.6'],
    description: '/health/ready reports a new status only once it held for 8 s (a debounce against flapping), so every change shows late.',
  },
  {
    name: 'heartbeat_drops_everyone',
    area: 'race_conditions', rules: ['GP-9.2'],
    description: 'A heartbeat that never hears the pongs: every connection is terminated, without a close frame, two beats (2 s) after it opened.',
  },
  {
    name: 'no_sweeper',
    area: 'factory_initialization', rules: ['GP-5.25'],
    description: "The runs of dead instances are looked for once, at startup, never again: a run whose instance dies while the others are up stays open.",
  },
  {
    name: 'no_startup_sweep',
    area: 'factory_initialization', rules: ['GP-5.26'],
    description:
      "A starting instance takes every run under its own INSTANCE_ID for its own: the runs its previous life left open when it died are never ended (other instances' dead runs still are).",
  },
  {
    name: 'slow_query_retried_forever',
    area: 'service_dependencies', rules: ['TGT-slow-database'],
    description: 'Each attempt to accept a user_message gets 700 ms and is retried until one succeeds: under a slow database (up, but a round trip takes a second) the message is never answered.',
  },
  // the history API (faults/lifecycle.ts)
  {
    name: 'history_latest_50',
    area: 'history', rules: ['GP-2.7', 'GP-7.2', 'GP-7.3'],
    description: 'GET /api/threads/{id}/messages answers only the latest 50 messages of the thread.',
  },
  {
    name: 'history_unordered',
    area: 'history', rules: ['GP-2.7', 'GP-7.3'],
    description: 'GET /api/threads/{id}/messages orders the messages by message_id (a random UUID), not by creation.',
  },
  {
    name: 'assistant_role_agent',
    area: 'history', rules: ['GP-2.8', 'GP-7.3'],
    description: 'The history gives the assistant\'s answers the role "agent" instead of "assistant".',
  },
  {
    name: 'history_token_decoded',
    area: 'authentication', rules: ['GP-2.9'],
    description: 'The history API reads the token\'s claims without verifying it: a forged, unsigned or expired token reads the conversation (a missing or unparsable one is still 401).',
  },
  {
    name: 'history_read_not_required',
    area: 'authentication', rules: ['GP-2.10'],
    description: 'The history API accepts a valid token without the read permission (the socket still requires it).',
  },
  {
    name: 'extra_frames_and_fields',
    area: 'hostile_input', rules: ['GP-4.3'], expect: 'tolerated',
    description: 'Allowed, and the suite must cope: every frame carries fields no protocol defines (at the top and in data), and every 5th frame is followed by a frame of a type no protocol defines.',
  },
  {
    name: 'slow_pong',
    area: 'hostile_input', rules: ['TGT-reply'],
    description: 'Slow but correct: every pong comes 2.5 s after its ping (the local reply target is 2 s).',
  },
  {
    name: 'slow_refusals',
    area: 'hostile_input', rules: ['TGT-fuzz'],
    description: 'Slow but correct: every refused frame is written to an audit log before it is answered, one write at a time (14 ms each), so a barrage of garbage is answered over the fuzz budget.',
  },
] as const satisfies readonly FaultDefinition[];

export type FaultName = (typeof FAULT_CATALOGUE)[number]['name'];

/** The catalogue as plain definitions (every entry may carry `rules`). */
export const FAULTS: readonly FaultDefinition[] = FAULT_CATALOGUE;

const FAULT_NAMES: ReadonlySet<string> = new Set(FAULT_CATALOGUE.map((f) => f.name));

export function isFaultName(name: string): name is FaultName {
  return FAULT_NAMES.has(name);
}

export class UnknownFaultError extends Error {
  constructor(readonly faultName: string) {
    super(`unknown fault "${faultName}" (known: ${[...FAULT_NAMES].join(', ')})`);
    this.name = 'UnknownFaultError';
  }
}

/** Parse fault names given as repeated or comma-separated values. */
export function parseFaultNames(values: readonly string[]): FaultName[] {
  const names: FaultName[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      if (!isFaultName(name)) throw new UnknownFaultError(name);
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}
