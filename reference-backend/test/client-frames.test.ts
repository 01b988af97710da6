import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codePointLength, parseClientFrame, type FrameRejection } from '../src/frames/client-frames';
import { errorFrame, pongFrame, serializeRunEvent } from '../src/frames/server-frames';
import type { RunId, ThreadId, UserId } from '../src/domain/ids';

const CMID = '6f1c3a55-2a8e-4d9b-9a64-3f7b9d1e2c10';

function rejection(text: string): FrameRejection {
  const parsed = parseClientFrame(text);
  assert.ok(!parsed.ok, `expected a rejection for ${text.slice(0, 80)}`);
  return parsed.rejection;
}

const userMessage = (data: Record<string, unknown>): string => JSON.stringify({ type: 'user_message', data });

void describe('parseClientFrame', () => {
  void it('parses the three client frames', () => {
    assert.deepEqual(parseClientFrame(userMessage({ content: 'hi', client_message_id: CMID })), {
      ok: true,
      frame: { type: 'user_message', content: 'hi', clientMessageId: CMID },
    });
    const withThread = parseClientFrame(userMessage({ content: 'hi', client_message_id: CMID, thread_id: 'anything', extra: 1 }));
    assert.ok(withThread.ok && withThread.frame.type === 'user_message' && withThread.frame.threadId === 'anything');
    assert.deepEqual(parseClientFrame('{"type":"resume","data":{"run_id":"r","after_seq":0}}'), {
      ok: true,
      frame: { type: 'resume', runId: 'r', afterSeq: 0 },
    });
    assert.deepEqual(parseClientFrame('{"type":"ping","data":{"nonce":"n"}}'), { ok: true, frame: { type: 'ping', nonce: 'n' } });
  });

  void it('rejects what is not a JSON object', () => {
    for (const text of ['nope', '', '[]', 'null', '42', '"ping"']) assert.equal(rejection(text).code, 'INVALID_MESSAGE');
  });

  void it('rejects a missing type or data', () => {
    assert.equal(rejection('{"data":{}}').code, 'INVALID_MESSAGE');
    assert.equal(rejection('{"type":7,"data":{}}').code, 'INVALID_MESSAGE');
    assert.equal(rejection('{"type":"ping"}').code, 'INVALID_MESSAGE');
    assert.equal(rejection('{"type":"user_message","data":[]}').code, 'INVALID_MESSAGE');
  });

  void it('answers UNSUPPORTED_TYPE for unknown types', () => {
    assert.equal(rejection('{"type":"subscribe","data":{}}').code, 'UNSUPPORTED_TYPE');
  });

  void it('validates user_message fields and reports the client_message_id', () => {
    assert.deepEqual(rejection(userMessage({ content: '', client_message_id: CMID })), {
      code: 'INVALID_MESSAGE',
      message: '"data.content" must not be empty',
      clientMessageId: CMID,
    });
    assert.equal(rejection(userMessage({ content: 5, client_message_id: CMID })).code, 'INVALID_MESSAGE');
    assert.equal(rejection(userMessage({ content: 'x', client_message_id: 'not-a-uuid' })).clientMessageId, 'not-a-uuid');
    assert.equal(rejection(userMessage({ content: 'x' })).code, 'INVALID_MESSAGE');
    for (const threadId of [42, null, {}, true]) {
      assert.equal(rejection(userMessage({ content: 'x', client_message_id: CMID, thread_id: threadId })).code, 'INVALID_MESSAGE');
    }
  });

  void it('counts content in Unicode code points', () => {
    assert.equal(codePointLength('😀😀'), 2);
    assert.equal(codePointLength('a\uD800b'), 3); // a lone surrogate is one code point
    assert.ok(parseClientFrame(userMessage({ content: '😀'.repeat(8000), client_message_id: CMID })).ok);
    assert.equal(rejection(userMessage({ content: 'x'.repeat(8001), client_message_id: CMID })).code, 'INVALID_MESSAGE');
    // Only the planted fault long_content_accepted lifts the limit.
    assert.ok(parseClientFrame(userMessage({ content: 'x'.repeat(8001), client_message_id: CMID }), { maxContentCodePoints: Infinity }).ok);
  });

  void it('tells text that is not JSON at all from JSON that is invalid', () => {
    assert.equal(rejection('{not json').notJson, true);
    assert.equal(rejection('[1,2]').notJson, undefined);
    assert.equal(rejection('{"type":"nope","data":{}}').notJson, undefined);
  });

  void it('validates resume and reports the run_id', () => {
    for (const afterSeq of [-1, 1.5, '3', null, undefined]) {
      const r = rejection(JSON.stringify({ type: 'resume', data: { run_id: 'r-1', after_seq: afterSeq } }));
      assert.equal(r.code, 'INVALID_MESSAGE');
      assert.equal(r.runId, 'r-1');
    }
    assert.equal(rejection('{"type":"resume","data":{"run_id":5,"after_seq":0}}').code, 'INVALID_MESSAGE');
  });
});

void describe('server frames', () => {
  void it('puts seq and ids only on run events', () => {
    const text = serializeRunEvent(
      'agent_thinking',
      { runId: 'r' as RunId, threadId: 't' as ThreadId, userId: 'u' as UserId, seq: 2 },
      { thought: 'x', step: 1 },
    );
    const frame = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(frame), ['type', 'timestamp', 'run_id', 'thread_id', 'user_id', 'seq', 'data']);
    assert.match(frame['timestamp'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
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
});
