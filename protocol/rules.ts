/**
 * The rule catalogue: every normative statement of Golden Path Protocol v1
 * (../shared/PROTOCOL.md, clarified 2026-12-02) — each MUST / MUST NOT and
 * each behaviour it states as fact — as one entry with a stable id, plus the
 * suite's own service-level targets, which the protocol does not state.
 *
 * Ids are stable: a rule's id never changes meaning; a rule that is dropped
 * leaves its id unused. Scenarios name the rules they check with a tag per
 * rule (`@GP-5.3`); every violation a judge reports carries its rule's id;
 * every planted fault of the reference backend names the rules it breaks.
 */

/** `protocol`: a MUST (or stated behaviour) of the protocol. `target`: a service-level target of the environment profile. */
export type RuleKind = 'protocol' | 'target';

export interface Rule {
  readonly id: string;
  /** `§5`, or `profile` for a target. */
  readonly section: string;
  readonly kind: RuleKind;
  /** The rule in a few plain words, as the living documentation names it. */
  readonly title: string;
  /** The rule in one sentence. */
  readonly rule: string;
  /** What breaks for users, and why it matters to the business, when a backend breaks it. */
  readonly impact: string;
  /** Only a backend that offers this optional part of the protocol can be held to it (§10). */
  readonly optional?: true;
}

const protocol = (id: string, title: string, rule: string, impact: string): Rule => ({ id, section: `§${id.split('-')[1]?.split('.')[0] ?? '?'}`, kind: 'protocol', title, rule, impact });
const optional = (id: string, title: string, rule: string, impact: string): Rule => ({ ...protocol(id, title, rule, impact), optional: true });
const target = (id: string, title: string, rule: string, impact: string): Rule => ({ id, section: 'profile', kind: 'target', title, rule, impact });

export const RULES: readonly Rule[] = [
  // §1 Launching a backend
  protocol('GP-1.1', 'instances start together', 'The backend creates its own schema at startup, idempotently: two instances starting at once on an empty database both come up ready.', 'a rolling deploy of a new environment leaves an instance that never comes up'),
  protocol('GP-1.2', 'a misconfiguration exits fast', 'With JWT_SECRET missing or under 32 bytes, JWT_ISSUER or JWT_AUDIENCE missing or empty, or DATABASE_URL or REDIS_URL missing or not a URL, the process exits non-zero within 10 s.', 'a misconfigured deploy looks healthy to the platform and users meet the failure instead'),
  protocol('GP-1.3', 'a misconfiguration names its variable', 'A configuration error prints the offending variable\'s name on stderr.', 'the on-call engineer has to guess which setting broke the deploy'),
  protocol('GP-1.4', 'a misconfigured backend never serves', 'A backend with a configuration error never answers on its port.', 'users are let into a chat that cannot work'),
  protocol('GP-1.5', 'a dependency down at start is no misconfiguration', 'With PostgreSQL or Redis down at startup the backend starts, reports it on /health/ready, and recovers by itself when the dependency comes back.', 'a database blip during a deploy keeps the whole service down until someone restarts it'),
  protocol('GP-1.6', 'a drain refuses new handshakes', 'On SIGTERM the backend stops accepting connections: a handshake that arrives during the drain never gets a 101.', 'users are let onto an instance that is about to close their chat'),
  protocol('GP-1.7', 'a drain lets runs finish', 'On SIGTERM in-flight runs finish (up to 10 s).', 'every deploy throws away the answers users are waiting for'),
  protocol('GP-1.8', 'a drain ends a late run explicitly', 'A run still going 10 s after SIGTERM ends with an error agent_completed before its connections close.', 'users of a long run watch it vanish mid-answer at every deploy'),
  protocol('GP-1.9', 'a drain refuses new questions', 'A user_message sent during the drain is answered SERVICE_UNAVAILABLE.', 'a question sent during a deploy is silently lost'),
  protocol('GP-1.10', 'a drain says goodbye', 'On SIGTERM every WebSocket is closed with 1001.', 'clients cannot tell a deploy from a crash and show an error instead of reconnecting quietly'),
  protocol('GP-1.11', 'a drain exits cleanly', 'After the drain the process exits 0.', 'the platform records every deploy as a crash and may roll back a good release'),
  protocol('GP-1.12', 'the step delay paces the agent', 'With AGENT_STEP_DELAY_MS each agent step (a thought, a tool call) takes at least that long.', 'a suite cannot interrupt a run mid-way, so resume and shutdown go unchecked'),
  protocol('GP-1.13', 'the instance says its name', 'GET /health shows the INSTANCE_ID the backend was started with.', 'operators cannot tell which instance of several answered'),

  // §2 HTTP
  protocol('GP-2.1', 'health answers', 'GET /health answers 200 {"status":"ok","instance_id":string,"connections":int}.', 'the platform restarts a healthy instance, cutting off every user on it'),
  protocol('GP-2.2', 'health counts connections', '/health connections counts this instance\'s open WebSockets: up by the tabs opened, back down when they close.', 'autoscaling reads a load that is not there, and a leak goes unnoticed until the instance refuses real users'),
  protocol('GP-2.3', 'readiness says ready', '/health/ready answers 200 ready with both dependencies up when they are.', 'the load balancer keeps a working instance out of rotation'),
  protocol('GP-2.4', 'readiness says degraded', '/health/ready answers 200 degraded with redis down while only Redis is down.', 'operators are not told the cache is down, and multi-instance delivery silently stops'),
  protocol('GP-2.5', 'readiness says unavailable', '/health/ready answers 503 unavailable with postgres down while PostgreSQL is down.', 'the load balancer keeps sending users to an instance that cannot serve chat'),
  protocol('GP-2.6', 'readiness reflects a change within 5 s', '/health/ready reflects a change of a dependency within 5 s of the change itself.', 'traffic is routed by a picture of the service that is out of date'),
  protocol('GP-2.7', 'history returns every message in order', 'GET /api/threads/{id}/messages answers 200 with every message of the thread, in creation order, without truncation.', 'a user reloads and her conversation is incomplete or scrambled'),
  protocol('GP-2.8', 'history tells questions from answers', 'History messages carry role user or assistant; the assistant message is a successful run\'s result.summary, with client_message_id null.', 'clients show the agent\'s answers as the user\'s own words, or lose them'),
  protocol('GP-2.9', 'history refuses a bad token', 'The history API answers 401 for a missing, forged, expired or malformed token.', 'anyone who learns a thread id reads the conversation without signing in'),
  protocol('GP-2.10', 'history needs read', 'The history API answers 403 to a valid token without the read permission.', 'users whose access was withdrawn can still read conversations'),
  protocol('GP-2.11', 'history hides what is not yours', 'The history API answers 404 for a thread that does not exist or belongs to another user, and reveals nothing of it.', 'one customer reads another\'s AI-spend conversation — a reportable privacy breach'),

  // §3 Connecting
  protocol('GP-3.1', 'the header token opens the chat', 'A valid token in Authorization: Bearer opens the chat at /ws.', 'apps and servers cannot sign in with the standard header'),
  protocol('GP-3.2', 'the browser form opens the chat', 'A valid token in the subprotocols jwt-auth and jwt.<base64url> opens the chat, and the server selects jwt-auth.', 'browsers cannot set headers on a WebSocket, so no web user can chat'),
  protocol('GP-3.3', 'the header wins', 'When both the header and the subprotocols carry a token, the header is used.', 'which token counts depends on the server, not the protocol — a broken header plus a valid subprotocol walks in'),
  protocol('GP-3.4', 'no token in the web address', 'A token in the query string does not authenticate.', 'tokens in web addresses end up in proxy logs, browser history and referrers, where anyone can pick them up'),
  protocol('GP-3.5', 'HS256 only', 'A token whose alg is not HS256 — none included — is refused.', 'an unsigned or wrongly signed token opens any user\'s chat'),
  protocol('GP-3.6', 'the signature is checked', 'A token not signed with JWT_SECRET, or altered after signing, is refused.', 'anyone can forge a token for any user and read their conversations'),
  protocol('GP-3.7', 'expiry is required and honoured', 'A token without exp, or whose exp is more than 5 s past, is refused.', 'a stolen or signed-out token is a permanent key'),
  protocol('GP-3.8', 'not-before is honoured', 'A token whose nbf is in the future is refused; one whose nbf has passed is accepted.', 'tokens issued for later work at once, or valid tokens are refused'),
  protocol('GP-3.9', 'the issuer is checked', 'A token whose iss is missing or not JWT_ISSUER is refused.', 'tokens from any other system sharing the secret sign users in'),
  protocol('GP-3.10', 'the audience is checked', 'A token whose aud neither equals nor contains JWT_AUDIENCE is refused; one whose aud contains it among others is accepted.', 'a token meant for another service opens the chat, or single-sign-on tokens are refused'),
  protocol('GP-3.11', 'the user id is checked', 'A token whose sub is missing, not a string, empty, over 128 characters or outside [A-Za-z0-9._:@-] is refused; every id of that alphabet up to 128 characters works.', 'user ids reach storage keys, logs and channel names unchecked — an injection path — or real users cannot sign in'),
  protocol('GP-3.12', 'user ids are case-sensitive', 'sub is case-sensitive: Bob and bob are two users, who see nothing of each other.', 'two customers whose ids differ in case share one conversation history'),
  protocol('GP-3.13', 'read is needed to connect', 'A token without the read permission is refused with 403.', 'a user whose access was withdrawn can still open the chat'),
  protocol('GP-3.14', 'write is needed to ask', 'A user_message from a token without write gets error FORBIDDEN, and nothing is written.', 'agent runs are billed to accounts that never allowed them'),
  protocol('GP-3.15', 'refused before the upgrade', 'A refused handshake is answered before the upgrade: a refused client never gets a 101.', 'frames are accepted in the window before the close, and clients cannot tell a refusal from a broken chat'),
  protocol('GP-3.16', 'refusals explain themselves', 'A refused handshake is answered 401 (no, bad or expired token), 403 (no read) or 429 (too many connections), with Content-Type application/json and the body {"error":{"code","message"}}.', 'the app cannot tell whether to sign in again, explain a permission, or ask to close a tab'),
  protocol('GP-3.17', 'ten connections per user', 'More than 10 open connections of one user on one instance get 429, however many handshakes arrive at once.', 'one user can hog an instance, or the limit is only enforced for polite clients'),
  protocol('GP-3.18', 'ready first', 'After the upgrade the server\'s first frame is connection_established, sent only when the connection is ready.', 'a client that waits for readiness misses what came first'),
  protocol('GP-3.19', 'early frames are kept in order', 'Frames sent before connection_established are processed after it, in order, none dropped.', 'a fast client\'s first question silently disappears'),
  protocol('GP-3.20', 'early frames are not rate limited', 'Frames sent before connection_established do not count toward the rate limit.', 'a client that sends its queue on reconnect is told to slow down for frames the server had not even read'),
  protocol('GP-3.21', 'an expired session is closed', 'When the token expires during a session, the server closes with 1008 within 2 s after exp plus its leeway, whichever form presented the token.', 'a signed-out, suspended or stolen session keeps receiving the conversation'),

  // §4 Frames
  protocol('GP-4.1', 'frames follow the published schema', 'Every server frame is a JSON text object with type, an RFC 3339 UTC timestamp and data holding the fields §4 lists for its type; ids are UUIDs and user_id is the token\'s sub.', 'clients built from the published schema reject or misread the frame'),
  protocol('GP-4.2', 'only run events carry seq', 'The five run events carry top-level run_id, thread_id, user_id and seq; no other frame type carries seq.', 'clients deduplicating by (run_id, seq) file other frames as run events'),
  protocol('GP-4.3', 'unknown types and fields are ignored', 'A client ignores frame types and fields it does not know (the suite itself included).', 'a backend adding a frame type breaks every client'),
  protocol('GP-4.4', 'the longest question is accepted', 'A user_message of 8,000 code points — counted as code points, astral characters included — is accepted.', 'users who paste a long document with emoji are refused for no reason'),
  protocol('GP-4.5', 'one code point more is refused', 'A user_message content over 8,000 code points, or empty, gets INVALID_MESSAGE.', 'clients can make the agent process unbounded input at the company\'s expense'),
  protocol('GP-4.6', 'a question lands in its thread', 'A user_message with a thread_id of the user\'s lands in that thread: the acknowledgement and the history say so; without thread_id it starts a new thread.', 'follow-up questions start new conversations, or answers are filed in the wrong one'),
  protocol('GP-4.7', 'a ping gets its pong', 'A ping is answered with pong carrying the same nonce.', 'clients cannot measure liveness or order their own frames'),
  protocol('GP-4.8', 'the chat says what is degraded', 'connection_established carries connection_id, user_id (the token\'s sub), protocol_version 1 and degraded: the dependencies down right now.', 'the client cannot warn the user that answers may fail, or keeps warning after recovery'),
  protocol('GP-4.9', 'accepted means committed', 'message_accepted is sent only after the message is committed to PostgreSQL: the history has it as soon as the acknowledgement arrives.', 'an acknowledged message can still be lost'),
  protocol('GP-4.10', 'an error names what it answers', 'An error frame carries code, message and retryable; retry_after_ms with RATE_LIMITED; client_message_id whenever it answers a user_message whose client_message_id could be read.', 'the app cannot tell which of its messages failed, so it retries the wrong one or none'),
  protocol('GP-4.11', 'bad frames are INVALID_MESSAGE', 'A frame that is not JSON, not an object, or has missing or wrongly typed fields gets error INVALID_MESSAGE.', 'a buggy app version cannot tell what it did wrong'),
  protocol('GP-4.12', 'unknown types are UNSUPPORTED_TYPE', 'A frame of a type the protocol does not define gets error UNSUPPORTED_TYPE.', 'developers chase the wrong bug'),
  protocol('GP-4.13', 'foreign or unknown ids are NOT_FOUND', 'A thread_id or run_id that names nothing of this user\'s — another user\'s, unknown, UUID-shaped or not — gets NOT_FOUND, and nothing is written.', 'anyone who learns an id can write into another customer\'s conversation, or learns that it exists'),
  protocol('GP-4.14', 'an error never closes the chat', 'An error frame never closes the connection: it stays open and keeps working.', 'one bad frame from a buggy app version throws the user out of her chat'),
  protocol('GP-4.15', 'no INTERNAL for well-formed input', 'INTERNAL is never the answer to a well-formed frame while PostgreSQL is up; content it cannot store (U+0000, say) is stored and returned unchanged, or refused with INVALID_MESSAGE.', 'ordinary user input crashes a request, and the user sees a server error she cannot act on'),
  protocol('GP-4.16', 'an error about a run names it', 'An error frame that concerns a run (a resume refused, say) carries that run_id.', 'the app cannot tell which of its runs was refused, so it gives up on the wrong one or resumes it forever'),

  // §5 The run
  protocol('GP-5.1', 'every tab of the user follows the run', 'Every open connection of the run\'s user, on any instance sharing the Redis, receives the run\'s events.', 'a tab that stays silent while another answers looks broken'),
  protocol('GP-5.2', 'nobody else sees the run', 'No connection of another user, on any instance, receives any frame of the run.', 'one user\'s conversation is shown to another — a privacy breach'),
  protocol('GP-5.3', 'agent_started comes first, exactly once', 'Every run has exactly one agent_started, first, with seq 1.', 'nothing tells the user the agent picked up the request, or the progress display restarts mid-answer'),
  protocol('GP-5.4', 'the agent is seen thinking before it completes', 'Every run, failed ones included, has at least one non-empty agent_thinking before agent_completed.', 'the chat shows no sign of progress and looks frozen'),
  protocol('GP-5.5', 'every tool call completes, once, before the run does', 'Every tool_executing has exactly one later tool_completed with the same tool_call_id, all before agent_completed; no tool_completed without one.', 'the user watches a spinner that never stops, and cannot trust an answer built on that tool'),
  protocol('GP-5.6', 'an analysis request uses a tool', 'A user_message asking to analyse costs and recommend optimizations runs at least one tool (whether other messages do is free).', 'the recommendations are not computed from the user\'s figures'),
  protocol('GP-5.7', 'agent_completed comes last, exactly once', 'Every run has exactly one agent_completed, and nothing of the run after it.', 'the answer is shown twice or reopened, or never comes'),
  protocol('GP-5.8', 'a successful answer is actionable', 'On success agent_completed.result.summary is non-empty and result.recommendations has at least one item with a non-empty title.', 'the user asked what to do about her spend and got nothing actionable — the value she pays for'),
  protocol('GP-5.9', 'a failed run explains itself', 'On error agent_completed carries status error and an error object with code, message and retryable.', 'the user sees a failure but cannot tell what happened or whether to try again'),
  protocol('GP-5.10', 'seq counts 1, 2, 3 without gaps or repeats', 'seq counts 1, 2, 3, … within a run, without gaps or repeats.', 'part of the agent\'s work never reaches the user, and a reconnecting client cannot tell what it missed'),
  protocol('GP-5.11', 'every event names its run, thread and user', 'Every frame of a run carries the run\'s run_id, thread_id and user_id.', 'a client files the event under the wrong conversation, or shows it to the wrong person'),
  protocol('GP-5.12', 'message_accepted within 1 s', 'message_accepted arrives within 1 s of the user_message.', 'the message looks unsent, and users press send again'),
  protocol('GP-5.13', 'agent_started within 1 s after acceptance', 'agent_started arrives within 1 s after message_accepted.', 'the chat looks stuck before the agent even begins'),
  protocol('GP-5.14', 'no gap over 15 s between events', 'No more than 15 s pass between two events of a run.', 'the chat looks frozen and users abandon the answer'),
  protocol('GP-5.15', 'a run completes within 10 s', 'With AGENT_STEP_DELAY_MS = 0 a run completes within 10 s.', 'the user waits for an answer that takes far longer than the product promises'),
  protocol('GP-5.16', 'failure is never silent', 'A run that cannot finish (a dependency lost mid-run, a tool failing) still ends within 10 s of the failure: tool_completed with status error for every open tool call, then an error agent_completed.', 'a spinner that never stops is worse than an error: the user cannot act on it'),
  protocol('GP-5.17', 'runs belong to the server', 'A run goes on when its socket closes; its events are persisted, and resume on any connection of the same user replays them.', 'an answer lost to a network blip is wasted inference and a user who gives up'),
  protocol('GP-5.18', 'each event once, in order', 'Without resume, a connection receives a run\'s events in seq order, each once.', 'the user is shown steps twice or in the wrong order'),
  protocol('GP-5.19', 'a replay starts right after after_seq', 'After a resume the replay starts with event after_seq + 1 — nothing at or below it — and goes on in increasing order, without gaps, to the run\'s end.', 'what the user missed while offline is lost, or what she already saw is shown again'),
  protocol('GP-5.20', 'a repeat is an identical copy', 'An event seen twice after a resume is the same JSON value both times (key order and whitespace are free).', 'clients that deduplicate by (run_id, seq) keep whichever came first and may show the wrong thing'),
  protocol('GP-5.21', 'after the replay, each event once', 'After the replay, each later event of the run arrives once.', 'the rest of the answer is shown twice'),
  protocol('GP-5.22', 'nothing to replay, nothing said', 'A resume with nothing to replay answers nothing.', 'clients receive frames they did not ask for and must handle noise'),
  protocol('GP-5.23', 'a foreign or unknown run is NOT_FOUND', 'A resume of a run that is not the user\'s, or does not exist, gets NOT_FOUND and nothing of the run.', 'another user\'s activity leaks, or its existence is confirmed'),
  protocol('GP-5.24', 'a tab opened mid-run follows it live', 'A connection opened while a run is going receives that run\'s later events live, without resume.', 'a user who opens a second tab sees nothing of the answer being written'),
  protocol('GP-5.25', 'a dead instance\'s runs are ended by the others', 'A run whose instance dies is ended within 30 s, while another instance shares the database, with tool_completed (error) for open calls and an error agent_completed with retryable true, which resume replays and connected tabs receive.', 'a crashed instance leaves users staring at answers that will never come'),
  protocol('GP-5.26', 'a dead instance\'s runs are ended at the next start', 'Alone, a run whose instance died is ended at the next instance\'s startup, the same way.', 'after a crash and restart, interrupted runs stay open forever'),

  // §6 Dependencies and degradation
  protocol('GP-6.1', 'no database, told to retry', 'While PostgreSQL is down or not answering, a user_message gets, within 5 s, error SERVICE_UNAVAILABLE with retryable true and no message_accepted.', 'the socket connects but the agent fails silently; users assume the product is broken and churn'),
  protocol('GP-6.2', 'a retry is answered exactly once', 'Once PostgreSQL is back, the same client_message_id is accepted, exactly once, whatever became of the first attempt, on any connection and any instance.', 'a retried message is lost or answered twice, and billed twice'),
  protocol('GP-6.3', 'no cache, chat still works', 'While Redis is down, chat works on a single instance and every local connection receives its runs\' events.', 'a routine Redis restart becomes a full chat outage'),
  protocol('GP-6.4', 'recovery needs no restart', 'When a dependency comes back, the backend recovers without a restart.', 'every dependency blip needs an operator to restart the service'),

  // §7 Exactly once
  protocol('GP-7.1', 'a re-sent message starts no second run', 'Re-sending a user_message with an already accepted client_message_id — on the same connection, another one, or another instance — returns the same message_accepted (same ids) and starts no second run.', 'a retry after a lost acknowledgement doubles the inference cost and shows two answers'),
  protocol('GP-7.2', 'every accepted message is kept exactly once', 'Every message_accepted message appears exactly once in its thread\'s history.', 'the server acknowledged a message and then lost it, or repeats it'),
  protocol('GP-7.3', 'every successful run adds one answer', 'Every successful run adds exactly one assistant message to the thread\'s history, after its question.', 'the advice the user was given is gone when she reloads, or shown twice'),

  // §8 Limits and bad input
  protocol('GP-8.1', 'an oversize message closes with 1009', 'A message over 64 KiB, after reassembly of fragments, closes the connection with 1009.', 'any client can make the server buffer and parse arbitrarily large messages'),
  protocol('GP-8.2', 'a binary frame closes with 1003', 'A binary frame closes the connection with 1003.', 'binary data is processed as text or silently ignored, and clients never learn why nothing happens'),
  protocol('GP-8.3', 'a flood is slowed down', 'More than 20 client frames in one second on one connection get error RATE_LIMITED with retry_after_ms of at most 1000; the connection stays open.', 'one looping client monopolises an instance, or a burst freezes the chat for longer than needed'),
  protocol('GP-8.4', 'the pause asked for is enough', 'After waiting retry_after_ms, the next frame is served.', 'clients that follow the protocol are still refused, and give up'),
  protocol('GP-8.5', 'twenty frames a second are served', 'Twenty frames within one second on one connection are always served.', 'a normal, busy client is told to slow down'),

  // §9 Close codes
  protocol('GP-9.1', 'never 1011', 'A backend never closes a connection with 1011.', 'each such user sees "connection failed" mid-chat — the Cloud Run failure this product exists to eliminate'),
  protocol('GP-9.2', 'never a drop without a close frame', 'A backend never drops a TCP connection without a close frame (only a dying instance\'s connections may).', 'the client cannot tell a crash from a network blip, and the user\'s chat just stops'),

  // §10 Test tokens for deployments (optional)
  optional('GP-10.1', 'test tokens only when enabled', 'Without E2E_TOKEN_KEY, POST /auth/test-token answers 404.', 'anyone can mint tokens for any user on a production deployment'),
  optional('GP-10.2', 'a test token is a real token', 'With the right X-E2E-Token-Key and a valid body, POST /auth/test-token answers 200 {token, expires_at}; the token follows §3 with exactly the requested sub, permissions and lifetime.', 'testers cannot run the suite against a deployment whose secret they do not hold'),
  optional('GP-10.3', 'a wrong key is refused', 'A missing or wrong X-E2E-Token-Key is answered 401.', 'anyone can mint tokens for any user'),
  optional('GP-10.4', 'a bad request is refused', 'A bad body (sub, permissions or expires_in missing or invalid, expires_in outside 1..3600) is answered 400 with INVALID_MESSAGE.', 'tokens with unintended claims or lifetimes are issued'),
  optional('GP-10.5', 'test tokens are rate limited', 'More than 600 requests a minute for one key are answered 429.', 'a leaked key becomes an unbounded token factory'),
  optional('GP-10.6', 'test-token answers are JSON', 'Every answer of POST /auth/test-token is JSON, as in §3.', 'a test runner cannot tell why it got no token'),

  // The suite's own service-level targets (the environment profile, cucumber.js)
  target('TGT-connect', 'a chat is ready promptly', 'The upgrade and connection_established together take no longer than the profile\'s connectTimeoutMs (local: 2 s; staging: 12 s).', 'users stare at a spinner before they can type'),
  target('TGT-reply', 'a reply comes promptly', 'An answer that is not a run — pong, an error frame, an HTTP answer — arrives within the profile\'s replyWithinMs (local: 2 s).', 'the chat feels unresponsive even when it is right'),
  target('TGT-storm', 'everyone in a storm is served', 'In a handshake storm (profile: storm.users within storm.withinMs) every user gets connection_established — the seed plan\'s 99%+ target, 100% on an idle machine.', 'at peak hours and after deploys users see "connection failed" and leave'),
  target('TGT-fuzz', 'garbage is answered quickly', 'The fuzz barrage (profile: fuzz.frames) is answered within fuzz.withinMs.', 'one misbehaving client slows the chat for everyone'),
  target('TGT-slow-database', 'a slow database still answers', 'With a slow database (profile: slowDependencyLatencyMs each way) a question gets a complete answer or an explicit error within faultOutcomeWithinMs.', 'a slow database hangs the chat'),
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

export function ruleById(id: string): Rule {
  const found = RULES.find((rule) => rule.id === id);
  if (found === undefined) throw new Error(`no protocol rule ${id} (protocol/rules.ts)`);
  return found;
}

/** The rule ids named in a text (a failure message, a tag list). */
export function ruleIdsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(GP-\d+\.\d+|TGT-[a-z-]+)\b/g)].map((match) => match[1] as string))].filter((id) => RULE_IDS.has(id));
}
