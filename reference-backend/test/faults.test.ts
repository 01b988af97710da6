import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { CloseCode, Limits } from '../../protocol/constants';
import { JwtVerifier, protocolTokenRules } from '../src/auth/jwt-verifier';
import { headerOrSubprotocolToken } from '../src/auth/token-extraction';
import { postgresRequired, POSTGRES_UNAVAILABLE } from '../src/connection/chat-availability';
import type { ClientConnection, ConnectionLifecycle } from '../src/connection/client-connection';
import { protocolConnectionPolicy, type FrameIntake } from '../src/connection/connection-policy';
import type { FrameHandler, FrameSession, TextFrameHandler } from '../src/connection/frame-handling';
import { OpenConnectionSet } from '../src/connection/open-connections';
import type { UserContext } from '../src/connection/user-context';
import { composeDecorators, decorate, type Decorators } from '../src/decorators';
import type { ClientMessageId, ConnectionId, MessageId, RunId, ThreadId, UserId } from '../src/domain/ids';
import { clientFrameReader, type ClientFrame } from '../src/frames/client-frames';
import { errorFrame, messageAcceptedFrame } from '../src/frames/server-frames';
import { plantFaults } from '../src/faults';
import { signedCopyOfUnsignedToken } from '../src/faults/authentication';
import { FAULT_CATALOGUE, FAULTS, type FaultName } from '../src/faults/catalogue';
import { FAULT_WRAPPERS } from '../src/faults/wrappers';
import { answerBeforeUpgrade, type HandshakeRefusal, type RefusedHandshake } from '../src/http/websocket-gateway';
import type { Acceptance, ChatStore, HistoryMessage } from '../src/storage/chat-store';
import type { Database } from '../src/storage/database';
import type { RunStore } from '../src/storage/run-store';

const CMID = '6f1c3a55-2a8e-4d9b-9a64-3f7b9d1e2c10' as ClientMessageId;
const USER: UserContext = { userId: 'alice' as UserId, permissions: new Set(['read']), expiresAtMs: Date.now() + 60_000 };
const decoratorsOf = (name: FaultName): Decorators => plantFaults([name]);

void describe('fault catalogue and wrappers', () => {
  void it('agree: every catalogued fault has a wrapper, and every wrapper a catalogue entry', () => {
    assert.deepEqual(Object.keys(FAULT_WRAPPERS).sort(), FAULT_CATALOGUE.map((f) => f.name).sort());
  });

  void it('each wrapper wraps at least one component', () => {
    for (const [name, wrapper] of Object.entries(FAULT_WRAPPERS)) {
      const decorators = Object.values(wrapper());
      assert.ok(decorators.length > 0, name);
      for (const decorator of decorators) assert.equal(typeof decorator, 'function', name);
    }
  });

  void it('leaves room for the protocol rule ids (and the suite targets, TGT-*) a fault breaks', () => {
    for (const fault of FAULTS) {
      if (fault.rules === undefined) continue;
      assert.ok(fault.rules.every((rule) => /^(GP-\d+(\.\d+)*|TGT-[a-z-]+)$/.test(rule)), fault.name);
    }
  });

  void it('plants nothing without faults', () => {
    assert.deepEqual(plantFaults([]), {});
  });

  void it('composes decorators of one component, the earlier inside', () => {
    const tag = (label: string): Decorators => ({ clientFrameReader: (reader) => ({ read: (text) => ({ ...reader.read(text), label }) as never }) });
    const composed = composeDecorators([tag('inner'), tag('outer')]);
    const reader = decorate(composed.clientFrameReader, { read: () => ({ ok: true, frame: { type: 'ping' } }) }, {});
    assert.equal((reader.read('') as unknown as { label: string }).label, 'outer');
  });
});

/** An intake that records what the arrival policy did. */
function recordingIntake(established: boolean): FrameIntake & { readonly actions: string[] } {
  const actions: string[] = [];
  return {
    actions,
    isEstablished: () => established,
    process: (text) => void actions.push(`process ${text}`),
    processUnqueued: (text) => void actions.push(`process unqueued ${text}`),
    closeInTurn: (code) => void actions.push(`close in turn ${code}`),
    closeNow: (code) => void actions.push(`close now ${code}`),
  };
}

const policyOf = (name: FaultName) => decorate(decoratorsOf(name).connectionPolicy, protocolConnectionPolicy, {});

void describe('connection policy faults', () => {
  const text = Buffer.from('{"type":"ping","data":{}}');

  void it('the clean policy: text is processed, binary closes with 1003 in turn, sessions end at expiry plus leeway', () => {
    const intake = recordingIntake(true);
    protocolConnectionPolicy.onArrival({ data: text, isBinary: false }, intake);
    protocolConnectionPolicy.onArrival({ data: text, isBinary: true }, intake);
    assert.deepEqual(intake.actions, [`process ${text.toString()}`, 'close in turn 1003']);
    assert.equal(protocolConnectionPolicy.maxMessageBytes, Limits.maxMessageBytes);
    assert.ok((protocolConnectionPolicy.sessionEndsAt(USER) ?? 0) > USER.expiresAtMs);
  });

  void it('early_frames_dropped drops what arrives before connection_established', () => {
    const before = recordingIntake(false);
    policyOf('early_frames_dropped').onArrival({ data: text, isBinary: false }, before);
    assert.deepEqual(before.actions, []);
    const after = recordingIntake(true);
    policyOf('early_frames_dropped').onArrival({ data: text, isBinary: false }, after);
    assert.equal(after.actions.length, 1);
  });

  void it('oversize_1011 lets ws take big messages and closes over 64 KiB with 1011 at once', () => {
    const policy = policyOf('oversize_1011');
    assert.ok(policy.maxMessageBytes > Limits.maxMessageBytes);
    const intake = recordingIntake(true);
    policy.onArrival({ data: Buffer.alloc(Limits.maxMessageBytes + 1), isBinary: false }, intake);
    policy.onArrival({ data: text, isBinary: false }, intake);
    assert.deepEqual(intake.actions, [`close now ${CloseCode.InternalError}`, `process ${text.toString()}`]);
  });

  void it('binary_accepted processes a binary frame as text', () => {
    const intake = recordingIntake(true);
    policyOf('binary_accepted').onArrival({ data: text, isBinary: true }, intake);
    assert.deepEqual(intake.actions, [`process ${text.toString()}`]);
  });

  void it('no_rate_limit never limits; no_expiry_close never ends a session', () => {
    const limiter = policyOf('no_rate_limit').rateLimiter();
    for (let i = 0; i < 100; i += 1) assert.deepEqual(limiter.tryAcquire(), { allowed: true });
    assert.equal(policyOf('no_expiry_close').sessionEndsAt(USER), null);
  });
});

/** A session that records what was sent and closed. */
function recordingSession(user: UserContext = USER): FrameSession & { readonly sent: string[]; readonly closes: number[] } {
  const sent: string[] = [];
  const closes: number[] = [];
  return {
    id: 'c1' as ConnectionId,
    user,
    sent,
    closes,
    send: (frameText) => void sent.push(frameText),
    holdRunEvents: () => ({ release: () => undefined }),
    close: (code) => void closes.push(code),
  };
}

const codesOf = (sent: readonly string[]): unknown[] => sent.map((t) => (JSON.parse(t) as { data: { code?: unknown } }).data.code);
const userMessage: ClientFrame = { type: 'user_message', content: 'hi', clientMessageId: CMID };
const unavailable: FrameHandler = { handle: (session) => Promise.resolve(session.send(errorFrame('SERVICE_UNAVAILABLE', POSTGRES_UNAVAILABLE))) };

void describe('frame handling faults', () => {
  void it('write_not_enforced hands user_message to the handler as if the user could write', async () => {
    const seen: boolean[] = [];
    const handler: FrameHandler = { handle: (session) => Promise.resolve(void seen.push(session.user.permissions.has('write'))) };
    const faulty = decorate(decoratorsOf('write_not_enforced').chatFrameHandler, handler, { isShuttingDown: () => false });
    await faulty.handle(recordingSession(), userMessage);
    await faulty.handle(recordingSession(), { type: 'ping' });
    assert.deepEqual(seen, [true, false]);
  });

  void it('silent_when_db_down swallows SERVICE_UNAVAILABLE answers to user_message, except during shutdown', async () => {
    let shuttingDown = false;
    const faulty = decorate(decoratorsOf('silent_when_db_down').chatFrameHandler, unavailable, { isShuttingDown: () => shuttingDown });
    const session = recordingSession();
    await faulty.handle(session, userMessage);
    assert.deepEqual(session.sent, []);
    shuttingDown = true;
    await faulty.handle(session, userMessage);
    assert.deepEqual(codesOf(session.sent), ['SERVICE_UNAVAILABLE']);
  });

  void it('no_db_recovery: once a user_message was answered SERVICE_UNAVAILABLE, chat stays unavailable', async () => {
    const decorators = decoratorsOf('no_db_recovery');
    let postgresUp = true;
    const availability = decorate(decorators.chatAvailability, postgresRequired({ isUp: () => postgresUp }), { dependencies: { isUp: () => postgresUp } });
    const handler = decorate(decorators.chatFrameHandler, unavailable, { isShuttingDown: () => false });
    assert.equal(availability.unavailableReason(), null);
    await handler.handle(recordingSession(), userMessage);
    postgresUp = true;
    assert.equal(availability.unavailableReason(), POSTGRES_UNAVAILABLE);
  });

  void it('redis_required: chat is unavailable while Redis is down', () => {
    let redisUp = false;
    const dependencies = { isUp: (d: string) => d === 'postgres' || redisUp };
    const availability = decorate(decoratorsOf('redis_required').chatAvailability, postgresRequired(dependencies), { dependencies });
    assert.match(availability.unavailableReason() ?? '', /Redis/);
    redisUp = true;
    assert.equal(availability.unavailableReason(), null);
  });

  void it('malformed_json_closes closes with 1011 on text that is not JSON, and hands the rest on', async () => {
    const handled: string[] = [];
    const inner: TextFrameHandler = { handleText: (_session, text) => Promise.resolve(void handled.push(text)) };
    const faulty = decorate(decoratorsOf('malformed_json_closes').textFrameHandler, inner, {});
    const session = recordingSession();
    await faulty.handleText(session, '{not json');
    await faulty.handleText(session, '[1]');
    assert.deepEqual(session.closes, [CloseCode.InternalError]);
    assert.deepEqual(handled, ['[1]']);
  });

  void it('long_content_accepted takes content over 8,000 code points, and nothing else that is invalid', () => {
    const reader = decorate(decoratorsOf('long_content_accepted').clientFrameReader, clientFrameReader, {});
    const long = '💸'.repeat(Limits.maxContentCodePoints + 1);
    const reading = reader.read(JSON.stringify({ type: 'user_message', data: { content: long, client_message_id: CMID } }));
    assert.ok(reading.ok && reading.frame.type === 'user_message' && reading.frame.content === long);
    assert.equal(reader.read(JSON.stringify({ type: 'user_message', data: { content: long, client_message_id: 'x' } })).ok, false);
    assert.equal(reader.read(JSON.stringify({ type: 'user_message', data: { content: '', client_message_id: CMID } })).ok, false);
  });
});

void describe('connection lifecycle faults', () => {
  const connection = { close: () => undefined } as unknown as ClientConnection;
  const cleanLifecycle = (calls: string[]): ConnectionLifecycle => ({
    opened: () => void calls.push('opened'),
    prepare: () => Promise.resolve(['redis']),
    established: () => void calls.push('established'),
    closed: () => void calls.push('closed'),
  });

  void it('degraded_hidden: connection_established never names a dependency', async () => {
    const lifecycle = decorate(decoratorsOf('degraded_hidden').connectionLifecycle, cleanLifecycle([]), {});
    assert.deepEqual(await lifecycle.prepare(connection), []);
  });

  void it('early_frames_dropped: setup takes at least 150 ms', async () => {
    const lifecycle = decorate(decoratorsOf('early_frames_dropped').connectionLifecycle, cleanLifecycle([]), {});
    const started = Date.now();
    assert.deepEqual(await lifecycle.prepare(connection), ['redis']);
    assert.ok(Date.now() - started >= 140);
  });

  void it('burst_1011: every 10th connection established during an upgrade storm is closed with 1011', () => {
    const calls: string[] = [];
    const lifecycle = decorate(decoratorsOf('burst_1011').connectionLifecycle, cleanLifecycle(calls), {});
    const closed: number[] = [];
    const storm = Array.from({ length: 30 }, (_, i) => ({ close: (code: number) => void closed.push(i + 1, code) }) as unknown as ClientConnection);
    for (const c of storm) lifecycle.opened(c);
    for (const c of storm) lifecycle.established(c);
    assert.deepEqual(closed, [10, 1011, 20, 1011, 30, 1011]);
    assert.equal(calls.filter((c) => c === 'established').length, 30, 'the clean lifecycle still runs');
  });

  void it('connection_count_leak: closed connections stay counted, but are gone from the set', () => {
    const open = decorate(decoratorsOf('connection_count_leak').openConnections, new OpenConnectionSet<ClientConnection>(), {});
    open.add(connection);
    open.delete(connection);
    assert.equal(open.count, 1);
    assert.deepEqual(open.all(), []);
  });
});

void describe('handshake faults', () => {
  const refusedHandshake = (): RefusedHandshake & { readonly outcome: string[] } => {
    const outcome: string[] = [];
    return {
      req: {} as IncomingMessage,
      outcome,
      answer: (refusal) => void outcome.push(`answered ${refusal.status}`),
      answerRaw: (response) => void outcome.push(`answered raw ${response.split('\r\n')[0] ?? ''}`),
      upgrade: (onSocket) => onSocket({ close: (code: number) => void outcome.push(`upgraded, closed ${code}`) } as never),
    };
  };
  const refusal = (status: number): HandshakeRefusal => ({ status, code: 'UNAUTHORIZED', message: 'no' });

  void it('refuse_after_upgrade upgrades a 401 and closes it with 1008; other refusals are answered', () => {
    const refuse = decorate(decoratorsOf('refuse_after_upgrade').refuseHandshake, answerBeforeUpgrade, {});
    const unauthorized = refusedHandshake();
    refuse(unauthorized, refusal(401));
    const forbidden = refusedHandshake();
    refuse(forbidden, refusal(403));
    assert.deepEqual([unauthorized.outcome, forbidden.outcome], [['upgraded, closed 1008'], ['answered 403']]);
  });

  void it('upgrade_then_close_when_full upgrades a 429 and closes it with 1011', () => {
    const refuse = decorate(decoratorsOf('upgrade_then_close_when_full').refuseHandshake, answerBeforeUpgrade, {});
    const full = refusedHandshake();
    refuse(full, refusal(429));
    const unauthorized = refusedHandshake();
    refuse(unauthorized, refusal(401));
    assert.deepEqual([full.outcome, unauthorized.outcome], [['upgraded, closed 1011'], ['answered 401']]);
  });

  void it('query_token_accepted reads ?token= when neither header nor subprotocol carries one', () => {
    const readToken = decorate(decoratorsOf('query_token_accepted').handshakeToken, headerOrSubprotocolToken, {});
    assert.equal(readToken({ url: '/ws?token=a.b.c', headers: {} } as IncomingMessage), 'a.b.c');
    assert.equal(readToken({ url: '/ws?token=a.b.c', headers: { authorization: 'Bearer h.e.d' } } as IncomingMessage), 'h.e.d');
    assert.equal(headerOrSubprotocolToken({ url: '/ws?token=a.b.c', headers: {} } as IncomingMessage), null);
  });

  void it('alg_none_accepted re-signs only unsigned tokens, payload untouched', () => {
    const secret = 's'.repeat(40);
    const unsigned = jwt.sign({ sub: 'u' }, '', { algorithm: 'none' });
    const copy = signedCopyOfUnsignedToken(unsigned, secret);
    assert.ok(copy !== null);
    assert.equal(copy.split('.')[1], unsigned.split('.')[1]);
    assert.equal(new JwtVerifier({ ...protocolTokenRules({ secret, issuer: 'i', audience: 'a' }), audience: null, issuer: '' }).verify(copy).ok, false, 'no exp');
    assert.equal(signedCopyOfUnsignedToken(jwt.sign({ sub: 'u' }, secret), secret), null);
  });
});

void describe('store and HTTP faults', () => {
  const threadId = '22222222-2222-4222-8222-222222222222' as ThreadId;
  const message: HistoryMessage = { message_id: 'm', client_message_id: null, role: 'user', content: 'c', created_at: 'now', run_id: 'r' };
  const fakeDb = (rows: unknown[], queries: string[] = []): Database =>
    ({ query: (text: string) => (queries.push(text), Promise.resolve({ rows, rowCount: rows.length })) }) as unknown as Database;

  void it("history_leak answers with the owner's history of another user's thread", async () => {
    const store = { history: (userId: UserId) => Promise.resolve(userId === 'bob' ? [message] : null) } as unknown as ChatStore;
    const leaky = decorate(decoratorsOf('history_leak').chatStore, store, { db: fakeDb([{ user_id: 'bob' }]) });
    assert.deepEqual(await leaky.history('alice' as UserId, threadId), [message]);
    const nobody = decorate(decoratorsOf('history_leak').chatStore, store, { db: fakeDb([]) });
    assert.equal(await nobody.history('alice' as UserId, threadId), null);
  });

  void it('duplicate_run_on_retry accepts a retry anew under the client key', async () => {
    const acceptance = (messageId: string): Acceptance => ({
      kind: 'accepted',
      acceptance: { clientMessageId: CMID, messageId: messageId as MessageId, threadId, runId: `run-${messageId}` as RunId },
      run: { runId: `run-${messageId}` as RunId, threadId, userId: USER.userId, userMessageId: messageId as MessageId, content: 'c', status: 'pending' },
    });
    const keys: string[] = [];
    const store = {
      acceptUserMessage: (input: { clientMessageId: string }) => {
        keys.push(input.clientMessageId);
        return Promise.resolve(input.clientMessageId === CMID ? { ...acceptance('m1'), kind: 'duplicate' } : acceptance('m2'));
      },
    } as unknown as ChatStore;
    const queries: string[] = [];
    const faulty = decorate(decoratorsOf('duplicate_run_on_retry').chatStore, store, { db: fakeDb([], queries) });
    const outcome = await faulty.acceptUserMessage({ userId: USER.userId, clientMessageId: CMID, content: 'c', threadId: null });
    assert.ok(outcome.kind === 'accepted' && outcome.acceptance.messageId === 'm2' && outcome.acceptance.clientMessageId === CMID);
    assert.equal(keys.length, 2);
    assert.notEqual(keys[1], CMID);
    assert.match(queries[0] ?? '', /UPDATE messages SET client_message_id/);
  });

  void it('lost_assistant_message stores the events and the success, not the answer', async () => {
    const answers: unknown[] = [];
    const store = { appendEvents: (_r: RunId, _e: unknown, answer?: unknown) => (answers.push(answer), Promise.resolve()) } as unknown as RunStore;
    const queries: string[] = [];
    const faulty = decorate(decoratorsOf('lost_assistant_message').runStore, store, { db: fakeDb([], queries) });
    await faulty.appendEvents('r' as RunId, [], { threadId, userId: USER.userId, summary: 's' });
    assert.deepEqual(answers, [undefined]);
    assert.match(queries[0] ?? '', /status = 'succeeded'/);
  });

  void it('ready_lies answers /health/ready with everything up, and hands other requests on', () => {
    const handed: string[] = [];
    const api = decorate(decoratorsOf('ready_lies').httpApi, (req) => void handed.push(req.url ?? ''), {});
    let body = '';
    const res = { writeHead: () => res, end: (text: string) => void (body = text) } as unknown as ServerResponse;
    api({ url: '/health/ready', method: 'GET' } as IncomingMessage, res);
    api({ url: '/health', method: 'GET' } as IncomingMessage, res);
    assert.deepEqual(JSON.parse(body), { status: 'ready', dependencies: { postgres: 'up', redis: 'up' } });
    assert.deepEqual(handed, ['/health']);
  });

  void it('keeps message_accepted frames apart from errors when watching answers', async () => {
    const accepted: FrameHandler = {
      handle: (session) =>
        Promise.resolve(session.send(messageAcceptedFrame({ clientMessageId: CMID, messageId: 'm' as MessageId, threadId, runId: 'r' as RunId }))),
    };
    const faulty = decorate(decoratorsOf('silent_when_db_down').chatFrameHandler, accepted, { isShuttingDown: () => false });
    const session = recordingSession();
    await faulty.handle(session, userMessage);
    assert.equal(session.sent.length, 1);
  });
});
