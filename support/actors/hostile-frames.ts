import { randomUUID } from 'node:crypto';
import { Limits } from '../../protocol/constants';

/**
 * What a broken or hostile client sends: named malformed frames for the
 * scenarios that spell out one case each (the fuzz barrage's generator is in
 * random-frames.ts). PROTOCOL §4 and §8.
 */

/** The error code PROTOCOL §4 names for a rejected frame. */
export type RejectionCode = 'INVALID_MESSAGE' | 'UNSUPPORTED_TYPE';

const over = Limits.maxContentCodePoints + 1;

export const frame = (type: unknown, data: unknown): string => JSON.stringify({ type, data });
const question = (data: Record<string, unknown>): string => frame('user_message', { content: 'What did we spend on GPT-4o last month?', client_message_id: randomUUID(), ...data });
const withoutField = (field: string): string => {
  const data: Record<string, unknown> = { content: 'What did we spend on GPT-4o last month?', client_message_id: randomUUID() };
  delete data[field];
  return frame('user_message', data);
};

/** One malformed frame per name the feature files use; each builds fresh text. */
const MALFORMED_FRAMES: Record<string, () => string> = {
  'text that is not a message at all': () => 'hello? is anyone there?',
  'a message cut off halfway': () => question({}).slice(0, 40),
  'an empty frame': () => '',
  'a list instead of a message': () => JSON.stringify([{ type: 'ping', data: {} }]),
  'a bare number': () => '42',
  'a bare string': () => JSON.stringify('ping'),
  'nothing but null': () => 'null',
  'a message without a type': () => JSON.stringify({ data: { nonce: 'no type' } }),
  'a message whose type is a number': () => frame(7, {}),
  'a message of a type the chat does not know': () => frame('delete_all_threads', {}),
  'a message pretending to be an answer from the agent': () => frame('agent_completed', { status: 'success' }),
  'a question without data': () => JSON.stringify({ type: 'user_message' }),
  'a question whose data is a list': () => frame('user_message', ['What did we spend?']),
  'a question without content': () => withoutField('content'),
  'a question whose content is a number': () => question({ content: 1234 }),
  'an empty question': () => question({ content: '' }),
  'a question one character over the limit': () => question({ content: 'a'.repeat(over) }),
  'a question one emoji over the limit': () => question({ content: '💸'.repeat(over) }),
  'a question without its idempotency key': () => withoutField('client_message_id'),
  'a question whose idempotency key is not a UUID': () => question({ client_message_id: 'message-1' }),
  'a question whose conversation id is a number': () => question({ thread_id: 12 }),
  'a resume without a run': () => frame('resume', { after_seq: 0 }),
  'a resume from a negative position': () => frame('resume', { run_id: randomUUID(), after_seq: -1 }),
  'a resume from a fractional position': () => frame('resume', { run_id: randomUUID(), after_seq: 2.5 }),
  'a resume from a position beyond any number': () => `{"type":"resume","data":{"run_id":"${randomUUID()}","after_seq":1e999}}`,
  'a ping whose data is a string': () => frame('ping', 'nonce'),
};

/** The rule a malformed frame checks, where it is more precise than "bad frames are INVALID_MESSAGE" (GP-4.11) or "unknown types are UNSUPPORTED_TYPE" (GP-4.12). */
const PRECISE_RULES: Record<string, string> = {
  'an empty question': 'GP-4.5',
  'a question one character over the limit': 'GP-4.5',
  'a question one emoji over the limit': 'GP-4.5',
};

export function ruleOfMalformedFrame(name: string): string | undefined {
  return PRECISE_RULES[name];
}

export const MALFORMED_FRAME_NAMES: readonly string[] = Object.keys(MALFORMED_FRAMES).sort((a, b) => b.length - a.length);

export function malformedFrame(name: string): string {
  const build = MALFORMED_FRAMES[name];
  if (build === undefined) throw new Error(`no malformed frame called "${name}" (known: ${MALFORMED_FRAME_NAMES.join('; ')})`);
  return build();
}
