import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkServerFrame } from '../../protocol/schemas';
import { clientFrameReader, MAX_AFTER_SEQ, readClientFrame, type FrameRejection } from '../src/frames/client-frames';
import { connectionEstablishedFrame, errorFrame, messageAcceptedFrame, pongFrame, serializeRunEvent } from '../src/frames/server-frames';
import type { ClientMessageId, ConnectionId, MessageId, RunId, ThreadId, UserId } from '../src/domain/ids';

const CMID = '6f1c3a55-2a8e-4d9b-9a64-3f7b9d1e2c10';
const RUN_ID = '0b7e2a43-1f3c-4c55-9d0e-7a1b2c3d4e5f';
const QUESTION = 'What did we spend on GPT-4o last month?';

function rejection(text: string): FrameRejection {
  const reading = readClientFrame(text);
  assert.ok(!reading.ok, `expected a rejection for ${text.slice(0, 80)}`);
  return reading.rejection;
}

const frame = (type: unknown, data: unknown): string => JSON.stringify({ type, data });
const question = (data: Record<string, unknown>): string => frame('user_message', { content: QUESTION, client_message_id: CMID, ...data });
const withoutField = (field: string): string => {
  const data: Record<string, unknown> = { content: QUESTION, client_message_id: CMID };
  delete data[field];
  return frame('user_message', data);
};

interface MalformedCase {
  readonly text: string;
  readonly code: FrameRejection['code'];
  /** What the error frame must name: the user_message's client_message_id or the resume's run_id. */
  readonly names?: { readonly clientMessageId?: string; readonly runId?: string };
}

/**
 * The suite's malformed frames (support/actors/hostile-frames.ts), copied here
 * as data: the backend never imports the suite.
 */
const SUITE_MALFORMED_FRAMES: Record<string, MalformedCase> = {
  'text that is not a message at all': { text: 'hello? is anyone there?', code: 'INVALID_MESSAGE' },
  'a message cut off halfway': { text: question({}).slice(0, 40), code: 'INVALID_MESSAGE' },
  'an empty frame': { text: '', code: 'INVALID_MESSAGE' },
  'a list instead of a message': { text: JSON.stringify([{ type: 'ping', data: {} }]), code: 'INVALID_MESSAGE' },
  'a bare number': { text: '42', code: 'INVALID_MESSAGE' },
  'a bare string': { text: JSON.stringify('ping'), code: 'INVALID_MESSAGE' },
  'nothing but null': { text: 'null', code: 'INVALID_MESSAGE' },
  'a message without a type': { text: JSON.stringify({ data: { nonce: 'no type' } }), code: 'INVALID_MESSAGE' },
  'a message whose type is a number': { text: frame(7, {}), code: 'INVALID_MESSAGE' },
  'a message of a type the chat does not know': { text: frame('delete_all_threads', {}), code: 'UNSUPPORTED_TYPE' },
  'a message pretending to be an answer from the agent': { text: frame('agent_completed', { status: 'success' }), code: 'UNSUPPORTED_TYPE' },
  'a question without data': { text: JSON.stringify({ type: 'user_message' }), code: 'INVALID_MESSAGE' },
  'a question whose data is a list': { text: frame('user_message', ['What did we spend?']), code: 'INVALID_MESSAGE' },
  'a question without content': { text: withoutField('content'), code: 'INVALID_MESSAGE', names: { clientMessageId: CMID } },
  'a question whose content is a number': { text: question({ content: 1234 }), code: 'INVALID_MESSAGE', names: { clientMessageId: CMID } },
  'an empty question': { text: question({ content: '' }), code: 'INVALID_MESSAGE', names: { clientMessageId: CMID } },
  'a question of 8,001 characters': { text: question({ content: 'a'.repeat(8_001) }), code: 'INVALID_MESSAGE', names: { clientMessageId: CMID } },
  'a question of 8,001 emoji': { text: question({ content: '💸'.repeat(8_001) }), code: 'INVALID_MESSAGE', names: { clientMessageId: CMID } },
  'a question without its idempotency key': { text: withoutField('client_message_id'), code: 'INVALID_MESSAGE' },
  'a question whose idempotency key is not a UUID': {
    text: question({ client_message_id: 'message-1' }),
    code: 'INVALID_MESSAGE',
    names: { clientMessageId: 'message-1' },
  },
  'a question whose conversation id is a number': { text: question({ thread_id: 12 }), code: 'INVALID_MESSAGE', names: { clientMessageId: CMID } },
  'a resume without a run': { text: frame('resume', { after_seq: 0 }), code: 'INVALID_MESSAGE' },
  'a resume from a negative position': { text: frame('resume', { run_id: RUN_ID, after_seq: -1 }), code: 'INVALID_MESSAGE', names: { runId: RUN_ID } },
  'a resume from a fractional position': { text: frame('resume', { run_id: RUN_ID, after_seq: 2.5 }), code: 'INVALID_MESSAGE', names: { runId: RUN_ID } },
  'a resume from a position beyond any number': {
    text: `{"type":"resume","data":{"run_id":"${RUN_ID}","after_seq":1e999}}`,
    code: 'INVALID_MESSAGE',
    names: { runId: RUN_ID },
  },
  'a ping whose data is a string': { text: frame('ping', 'nonce'), code: 'INVALID_MESSAGE' },
};

void describe('readClientFrame', () => {
  void it('reads the three client frames', () => {
    assert.deepEqual(readClientFrame(question({ content: 'hi' })), {
      ok: true,
      frame: { type: 'user_message', content: 'hi', clientMessageId: CMID },
    });
    const withThread = readClientFrame(question({ thread_id: 'anything', extra: 1 }));
    assert.ok(withThread.ok && withThread.frame.type === 'user_message' && withThread.frame.threadId === 'anything');
    assert.deepEqual(readClientFrame('{"type":"resume","data":{"run_id":"r","after_seq":0}}'), {
      ok: true,
      frame: { type: 'resume', runId: 'r', afterSeq: 0 },
    });
    assert.deepEqual(readClientFrame('{"type":"ping","data":{"nonce":"n"}}'), { ok: true, frame: { type: 'ping', nonce: 'n' } });
    assert.deepEqual(readClientFrame('{"type":"ping","data":{}}'), { ok: true, frame: { type: 'ping', nonce: undefined } });
    assert.equal(clientFrameReader.read(question({})).ok, true);
  });

  for (const [name, { text, code, names }] of Object.entries(SUITE_MALFORMED_FRAMES)) {
    void it(`refuses ${name} with ${code}`, () => {
      const refused = rejection(text);
      assert.equal(refused.code, code);
      assert.equal(refused.clientMessageId, names?.clientMessageId);
      assert.equal(refused.runId, names?.runId);
      assert.ok(refused.message.length > 0);
    });
  }

  void it('refuses more shapes: type or data missing or mistyped', () => {
    assert.equal(rejection('{"data":{}}').code, 'INVALID_MESSAGE');
    assert.equal(rejection('{"type":"ping"}').code, 'INVALID_MESSAGE');
    assert.equal(rejection('{"type":"subscribe"}').code, 'UNSUPPORTED_TYPE');
    for (const threadId of [42, null, {}, true]) assert.equal(rejection(question({ thread_id: threadId })).code, 'INVALID_MESSAGE');
    for (const afterSeq of ['3', null, undefined]) {
      assert.deepEqual(rejection(JSON.stringify({ type: 'resume', data: { run_id: 'r-1', after_seq: afterSeq } })).runId, 'r-1');
    }
    assert.equal(rejection('{"type":"resume","data":{"run_id":5,"after_seq":0}}').runId, undefined);
  });

  void it('refuses a client_message_id in the urn:uuid: form, which the schema format admits', () => {
    const urn = `urn:uuid:${CMID}`;
    assert.deepEqual(rejection(question({ client_message_id: urn })), {
      code: 'INVALID_MESSAGE',
      message: '/data/client_message_id must be a UUID',
      clientMessageId: urn,
    });
  });

  void it('counts content in Unicode code points', () => {
    assert.ok(readClientFrame(question({ content: '😀'.repeat(8000) })).ok);
    assert.ok(readClientFrame(question({ content: 'a\uD800b'.repeat(2000) + 'xx' })).ok, 'a lone surrogate is one code point');
    assert.equal(rejection(question({ content: 'x'.repeat(8001) })).code, 'INVALID_MESSAGE');
  });

  void it('takes a huge but valid after_seq, clamped so that it fits PostgreSQL bigint', () => {
    for (const afterSeq of ['1152921504606846976', '1e300']) {
      const reading = readClientFrame(`{"type":"resume","data":{"run_id":"r","after_seq":${afterSeq}}}`);
      assert.ok(reading.ok && reading.frame.type === 'resume');
      assert.equal(reading.frame.afterSeq, MAX_AFTER_SEQ);
    }
    const exact = readClientFrame('{"type":"resume","data":{"run_id":"r","after_seq":4294967296}}');
    assert.ok(exact.ok && exact.frame.type === 'resume' && exact.frame.afterSeq === 4294967296);
  });
});

void describe('server frames', () => {
  const header = { runId: RUN_ID as RunId, threadId: CMID as ThreadId, userId: 'user-1' as UserId, seq: 2 };

  void it('puts seq and ids only on run events', () => {
    const text = serializeRunEvent('agent_thinking', header, { thought: 'x', step: 1 });
    const event = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(event), ['type', 'timestamp', 'run_id', 'thread_id', 'user_id', 'seq', 'data']);
    assert.match(event['timestamp'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const error = JSON.parse(errorFrame('RATE_LIMITED', 'slow down', { retryAfterMs: 120 })) as Record<string, unknown>;
    assert.deepEqual(Object.keys(error), ['type', 'timestamp', 'data']);
    assert.deepEqual(error['data'], { code: 'RATE_LIMITED', message: 'slow down', retryable: true, retry_after_ms: 120 });
  });

  void it('marks SERVICE_UNAVAILABLE retryable and echoes nonces', () => {
    const error = JSON.parse(errorFrame('SERVICE_UNAVAILABLE', 'down', { clientMessageId: CMID })) as { data: Record<string, unknown> };
    assert.deepEqual(error.data, { code: 'SERVICE_UNAVAILABLE', message: 'down', retryable: true, client_message_id: CMID });
    assert.deepEqual((JSON.parse(pongFrame(7)) as { data: unknown }).data, { nonce: 7 });
    assert.deepEqual((JSON.parse(pongFrame(undefined)) as { data: unknown }).data, {});
  });

  void it('builds frames the published server-frame schema admits', () => {
    const frames = [
      connectionEstablishedFrame(CMID as ConnectionId, 'user-1' as UserId, ['redis']),
      messageAcceptedFrame({ clientMessageId: CMID as ClientMessageId, messageId: CMID as MessageId, threadId: CMID as ThreadId, runId: RUN_ID as RunId }),
      serializeRunEvent('agent_started', { ...header, seq: 1 }, { agent_name: 'a' }),
      serializeRunEvent('agent_thinking', header, { thought: 'x', step: 1 }),
      serializeRunEvent('agent_completed', { ...header, seq: 3 }, { status: 'success', result: { summary: 's', recommendations: [{ title: 't' }] }, duration_ms: 5 }),
      errorFrame('NOT_FOUND', 'run not found', { runId: RUN_ID }),
      pongFrame('n'),
    ];
    for (const text of frames) assert.deepEqual(checkServerFrame(JSON.parse(text)), [], text);
  });
});
