import { Limits, type ErrorCode } from '../../../protocol/constants';
import { parseClientMessageId, type ClientMessageId } from '../domain/ids';

export const MAX_CONTENT_CODE_POINTS = Limits.maxContentCodePoints;

export interface UserMessageFrame {
  readonly type: 'user_message';
  readonly content: string;
  readonly clientMessageId: ClientMessageId;
  /** Raw thread id as sent (any string); absent means "start a new thread". */
  readonly threadId?: string;
}

export interface ResumeFrame {
  readonly type: 'resume';
  /** Raw run id as sent (any string; not necessarily a UUID). */
  readonly runId: string;
  readonly afterSeq: number;
}

export interface PingFrame {
  readonly type: 'ping';
  readonly nonce?: unknown;
}

export type ClientFrame = UserMessageFrame | ResumeFrame | PingFrame;

export interface FrameRejection {
  readonly code: Extract<ErrorCode, 'INVALID_MESSAGE' | 'UNSUPPORTED_TYPE'>;
  readonly message: string;
  readonly clientMessageId?: string;
  readonly runId?: string;
  /** The text is not JSON at all. */
  readonly notJson?: true;
}

export interface FrameLimits {
  readonly maxContentCodePoints: number;
}

export type FrameParse = { readonly ok: true; readonly frame: ClientFrame } | { readonly ok: false; readonly rejection: FrameRejection };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unicode code points, not UTF-16 units: an emoji counts as one. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i += 1; // a surrogate pair is one code point
    count += 1;
  }
  return count;
}

/** Parse and validate one client text frame. */
export function parseClientFrame(text: string, limits: FrameLimits = { maxContentCodePoints: MAX_CONTENT_CODE_POINTS }): FrameParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, rejection: { code: 'INVALID_MESSAGE', message: 'frame is not valid JSON', notJson: true } };
  }
  if (!isObject(value)) return invalid('frame must be a JSON object');
  const { type, data } = value;
  if (typeof type !== 'string') return invalid('"type" must be a string');
  switch (type) {
    case 'user_message':
      return isObject(data) ? parseUserMessage(data, limits) : invalid('"data" must be an object');
    case 'resume':
      return isObject(data) ? parseResume(data) : invalid('"data" must be an object');
    case 'ping':
      return isObject(data) ? { ok: true, frame: { type: 'ping', nonce: data['nonce'] } } : invalid('"data" must be an object');
    default:
      return { ok: false, rejection: { code: 'UNSUPPORTED_TYPE', message: `unsupported frame type "${type}"` } };
  }
}

function parseUserMessage(data: JsonObject, limits: FrameLimits): FrameParse {
  const { content, client_message_id: rawClientMessageId, thread_id: threadId } = data;
  const clientMessageIdText = typeof rawClientMessageId === 'string' ? rawClientMessageId : undefined;
  const reject = (message: string): FrameParse => invalid(message, { clientMessageId: clientMessageIdText });

  if (clientMessageIdText === undefined) return reject('"data.client_message_id" must be a UUID string');
  const clientMessageId = parseClientMessageId(clientMessageIdText);
  if (clientMessageId === null) return reject('"data.client_message_id" must be a UUID');
  if (typeof content !== 'string') return reject('"data.content" must be a string');
  const length = codePointLength(content);
  if (length === 0) return reject('"data.content" must not be empty');
  if (length > limits.maxContentCodePoints) {
    return reject(`"data.content" must be at most ${limits.maxContentCodePoints} Unicode code points (got ${length})`);
  }
  if (threadId !== undefined && typeof threadId !== 'string') return reject('"data.thread_id" must be a string');

  const frame: UserMessageFrame =
    threadId === undefined
      ? { type: 'user_message', content, clientMessageId }
      : { type: 'user_message', content, clientMessageId, threadId };
  return { ok: true, frame };
}

function parseResume(data: JsonObject): FrameParse {
  const { run_id: runId, after_seq: afterSeq } = data;
  const runIdText = typeof runId === 'string' ? runId : undefined;
  if (runIdText === undefined) return invalid('"data.run_id" must be a string');
  if (typeof afterSeq !== 'number' || !Number.isSafeInteger(afterSeq) || afterSeq < 0) {
    return invalid('"data.after_seq" must be an integer >= 0', { runId: runIdText });
  }
  return { ok: true, frame: { type: 'resume', runId: runIdText, afterSeq } };
}

function invalid(message: string, context: { clientMessageId?: string | undefined; runId?: string | undefined } = {}): FrameParse {
  const rejection: { -readonly [K in keyof FrameRejection]: FrameRejection[K] } = { code: 'INVALID_MESSAGE', message };
  if (context.clientMessageId !== undefined) rejection.clientMessageId = context.clientMessageId;
  if (context.runId !== undefined) rejection.runId = context.runId;
  return { ok: false, rejection };
}
