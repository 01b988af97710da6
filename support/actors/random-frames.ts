import fc from 'fast-check';
import { Limits } from '../../protocol/constants';
import { frame } from './hostile-frames';

/**
 * The fuzz generator: random frames from fast-check, seeded with the
 * scenario's seed. Kept apart from the named malformed frames because
 * fast-check is heavy to load, and only the fuzz scenario needs it (loaded on
 * demand by support/scenario/fuzz-barrage.ts).
 */

/** A random frame and the family it was drawn from (for the run's statistics). */
export interface RandomFrame {
  readonly kind: string;
  readonly text: string;
}

/** Frames stay clear of the 64 KiB limit: closing an oversize frame with 1009 is right, and not what the fuzz is for. */
const MAX_FUZZ_FRAME_BYTES = Limits.maxMessageBytes - 4 * 1024;

const NASTY_STRINGS = [
  '', ' ', '\u0000', '\u202e', '\ufeff', '\ud800', '%s%n%x', '${7*7}', '{{7*7}}', "'; DROP TABLE messages; --", '../../etc/passwd',
  '<script>alert(1)</script>', 'null', 'undefined', 'NaN', '__proto__', 'constructor', '\r\n\r\nHTTP/1.1 200 OK', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǵ̝o', '👩‍👩‍👧‍👦',
];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''];
const LOOKALIKE_TYPES = [
  'USER_MESSAGE', 'User_Message', 'user_message ', ' ping', 'ping\u0000', 'Ping', 'resume\n', 'pong', 'error', 'message_accepted', 'agent_started',
  'agent_completed', 'connection_established', 'subscribe', 'admin', ...NASTY_KEYS,
];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...NASTY_STRINGS),
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, 2 ** 63, 5e-324, -1, 0.5, -0),
);
const json = fc.jsonValue({ maxDepth: 4 });
/** Any value at all, as JSON can carry it. */
const anyValue = fc.oneof(text, number, fc.boolean(), fc.constant(null), json, fc.array(text, { maxLength: 5 }), fc.dictionary(fc.oneof(text, fc.constantFrom(...NASTY_KEYS)), json, { maxKeys: 5 }));
/** Anything but a string. */
const notAString = fc.oneof(number, fc.boolean(), fc.constant(null), fc.array(json, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 }));
/** Anything but an object. */
const notAnObject = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.array(json, { maxLength: 4 }));
const notAUuid = fc.oneof(notAString, text.filter((candidate) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(candidate)));
const content = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 });
const questionData = fc.record({ content, client_message_id: fc.uuid() });
/** Optional extra fields, some with names that have caused prototype pollution elsewhere. */
const extras = fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...NASTY_KEYS.filter((key) => key !== '__proto__'))), json, { maxKeys: 3 });

const kind = (name: string, arbitrary: fc.Arbitrary<string>): fc.Arbitrary<RandomFrame> => arbitrary.map((frameText) => ({ kind: name, text: frameText }));

/** A user_message with exactly one thing wrong (and perhaps unknown extra fields). */
const brokenQuestion = fc
  .tuple(
    questionData,
    extras,
    fc.oneof(
      fc.constant((data: Record<string, unknown>) => void delete data.content),
      notAString.map((value) => (data: Record<string, unknown>) => void (data.content = value)),
      fc.constant((data: Record<string, unknown>) => void (data.content = '')),
      fc.constant((data: Record<string, unknown>) => void delete data.client_message_id),
      notAUuid.map((value) => (data: Record<string, unknown>) => void (data.client_message_id = value)),
      notAString.map((value) => (data: Record<string, unknown>) => void (data.thread_id = value)),
      fc.oneof(text, fc.uuid()).map((value) => (data: Record<string, unknown>) => void (data.thread_id = value)),
    ),
  )
  .map(([data, more, breakIt]) => {
    const broken: Record<string, unknown> = { ...more, ...data };
    breakIt(broken);
    return frame('user_message', broken);
  });

const brokenResume = fc.oneof(
  fc.record({ run_id: fc.uuid(), after_seq: fc.nat() }).map((data) => frame('resume', data)),
  fc.record({ run_id: fc.oneof(notAString, text), after_seq: fc.nat() }).map((data) => frame('resume', data)),
  fc.record({ run_id: fc.uuid(), after_seq: fc.oneof(number, notAString, text) }).map((data) => frame('resume', data)),
  fc.record({ run_id: fc.uuid() }).map((data) => frame('resume', data)),
  notAnObject.map((data) => frame('resume', data)),
);

const ping = fc.oneof(
  anyValue.map((nonce) => frame('ping', { nonce })),
  fc.constant(frame('ping', {})),
  notAnObject.map((data) => frame('ping', data)),
  fc.constant(JSON.stringify({ type: 'ping' })),
);

const randomType = fc
  .tuple(fc.oneof(text, fc.constantFrom(...LOOKALIKE_TYPES), notAString), anyValue)
  .map(([type, data]) => frame(type, data));

const truncated = fc
  .tuple(fc.oneof(questionData.map((data) => frame('user_message', data)), fc.uuid().map((runId) => frame('resume', { run_id: runId, after_seq: 0 }))), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([whole, at]) => whole.slice(0, Math.max(1, Math.floor(whole.length * at * 0.99))));

const deep = fc.tuple(fc.integer({ min: 10, max: 1_000 }), fc.constantFrom('array', 'object', 'in a nonce', 'in content'), fc.uuid()).map(([depth, where, id]) => {
  const nested = where === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  if (where === 'in a nonce') return `{"type":"ping","data":{"nonce":${nested}}}`;
  if (where === 'in content') return `{"type":"user_message","data":{"content":${nested},"client_message_id":"${id}"}}`;
  return nested;
});

const numberLiterals = fc
  .tuple(fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '-0', '1e-400', '9007199254740993', '0e0', '1E400', '-9007199254740993'), fc.uuid(), fc.constantFrom('after_seq', 'nonce'))
  .map(([literal, runId, where]) => (where === 'after_seq' ? `{"type":"resume","data":{"run_id":"${runId}","after_seq":${literal}}}` : `{"type":"ping","data":{"nonce":${literal}}}`));

const pollution = fc.uuid().chain((id) =>
  fc.constantFrom(
    `{"type":"ping","data":{"__proto__":{"polluted":"yes"},"nonce":"proto"}}`,
    `{"__proto__":{"type":"user_message"},"data":{}}`,
    `{"type":"user_message","data":{"__proto__":{"content":"hi","client_message_id":"${id}"}}}`,
    `{"type":"constructor","data":{"prototype":{"polluted":true}}}`,
    `{"type":"ping","type":"user_message","data":{"content":""}}`,
    `{"type":"resume","data":{"run_id":"${id}","after_seq":0,"after_seq":-5}}`,
    `\ufeff{"type":"ping","data":{}}`,
    `{"type":"ping","data":{}} {"type":"ping","data":{}}`,
  ),
);

const longQuestion = fc
  .tuple(fc.integer({ min: Limits.maxContentCodePoints + 1, max: Limits.maxContentCodePoints + 400 }), fc.constantFrom('a', 'é', '字', '💸'), fc.uuid())
  .map(([length, char, id]) => frame('user_message', { content: char.repeat(length), client_message_id: id }));

/** Rare on purpose: a valid question starts an agent run. */
const validQuestion = fc.tuple(content, fc.uuid()).map(([words, id]) => frame('user_message', { content: `Fuzz check, please ignore: ${words}`, client_message_id: id }));

const randomFrameArbitrary: fc.Arbitrary<RandomFrame> = fc
  .oneof(
    { weight: 30, arbitrary: kind('arbitrary text', text) },
    { weight: 30, arbitrary: kind('arbitrary JSON value', json.map((value) => JSON.stringify(value))) },
    { weight: 30, arbitrary: kind('random type and data', randomType) },
    { weight: 40, arbitrary: kind('question with one thing wrong', brokenQuestion) },
    { weight: 30, arbitrary: kind('resume of nothing or with wrong fields', brokenResume) },
    { weight: 30, arbitrary: kind('ping with any nonce or wrong data', ping) },
    { weight: 20, arbitrary: kind('frame cut off', truncated) },
    { weight: 10, arbitrary: kind('deep nesting', deep) },
    { weight: 10, arbitrary: kind('extreme number literal', numberLiterals) },
    { weight: 10, arbitrary: kind('prototype pollution and duplicate keys', pollution) },
    { weight: 10, arbitrary: kind('question over the length limit', longQuestion) },
    { weight: 1, arbitrary: kind('valid question', validQuestion) },
  )
  .filter((candidate) => Buffer.byteLength(candidate.text, 'utf8') <= MAX_FUZZ_FRAME_BYTES);

/** `count` random frames, the same ones for the same seed. */
export function randomFrames(seed: number, count: number): RandomFrame[] {
  return fc.sample(randomFrameArbitrary, { seed, numRuns: count });
}
