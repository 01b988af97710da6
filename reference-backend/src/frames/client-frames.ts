import { CLIENT_FRAME_TYPES, ErrorCode, type ClientFrameType } from '../../../protocol/constants';
import { checkClientFrame, type SchemaBreach } from '../../../protocol/schemas';
import { parseClientMessageId, type ClientMessageId } from '../domain/ids';
import { describeError } from '../logger';

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
  /** At most MAX_AFTER_SEQ. */
  readonly afterSeq: number;
}

export interface PingFrame {
  readonly type: 'ping';
  readonly nonce?: unknown;
}

export type ClientFrame = UserMessageFrame | ResumeFrame | PingFrame;

/** Why a frame is refused, and what the error frame may name of it (protocol §4). */
export interface FrameRejection {
  readonly code: typeof ErrorCode.INVALID_MESSAGE | typeof ErrorCode.UNSUPPORTED_TYPE;
  readonly message: string;
  /** The `client_message_id` of a user_message, whenever it could be read. */
  readonly clientMessageId?: string;
  /** The `run_id` of a resume, whenever it could be read. */
  readonly runId?: string;
}

export type FrameReading = { readonly ok: true; readonly frame: ClientFrame } | { readonly ok: false; readonly rejection: FrameRejection };

/** Turns the text of a client frame into a frame to handle, or the reason it is refused. */
export interface ClientFrameReader {
  read(text: string): FrameReading;
}

/**
 * Every `after_seq` beyond this means the same, "after everything": a run never
 * gets near it, larger numbers are not exact in JavaScript, and PostgreSQL's
 * bigint (the comparison in the replay query) overflows from 2^63.
 */
export const MAX_AFTER_SEQ = Number.MAX_SAFE_INTEGER;

/** The frame shapes the published client-frame schema admits. */
type SchemaValidFrame =
  | { readonly type: 'user_message'; readonly data: { readonly content: string; readonly client_message_id: string; readonly thread_id?: string } }
  | { readonly type: 'resume'; readonly data: { readonly run_id: string; readonly after_seq: number } }
  | { readonly type: 'ping'; readonly data: { readonly nonce?: unknown } };

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CLIENT_FRAME_TYPE_SET: ReadonlySet<string> = new Set(CLIENT_FRAME_TYPES);

function isClientFrameType(type: string): type is ClientFrameType {
  return CLIENT_FRAME_TYPE_SET.has(type);
}

/**
 * Read one client text frame: JSON, then the type (an unknown one is
 * UNSUPPORTED_TYPE), then the published JSON Schema (protocol/schemas:
 * required and typed fields, content of 1..8000 code points, after_seq an
 * integer ≥ 0 — Infinity, what `1e999` parses to, is not), then the ids.
 */
export function readClientFrame(text: string): FrameReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return invalid(`frame is not valid JSON (${describeError(err)})`);
  }
  if (!isJsonObject(value)) return invalid('frame must be a JSON object');
  const { type, data } = value;
  if (typeof type !== 'string') return invalid('"type" must be a string');
  if (!isClientFrameType(type)) {
    return { ok: false, rejection: { code: ErrorCode.UNSUPPORTED_TYPE, message: `unsupported frame type "${type}"` } };
  }
  const context = readableContext(type, data);
  const breaches = checkClientFrame(value);
  if (breaches.length > 0) return invalid(describeBreaches(breaches), context);
  return frameOf(value as SchemaValidFrame, context);
}

/** The client frame reader of the protocol: readClientFrame. */
export const clientFrameReader: ClientFrameReader = { read: readClientFrame };

/** What an error frame may name about a frame even when the frame is refused. */
function readableContext(type: ClientFrameType, data: unknown): RejectionContext {
  if (!isJsonObject(data)) return {};
  if (type === 'user_message' && typeof data['client_message_id'] === 'string') return { clientMessageId: data['client_message_id'] };
  if (type === 'resume' && typeof data['run_id'] === 'string') return { runId: data['run_id'] };
  return {};
}

function frameOf(valid: SchemaValidFrame, context: RejectionContext): FrameReading {
  switch (valid.type) {
    case 'user_message': {
      const { content, client_message_id: rawClientMessageId, thread_id: threadId } = valid.data;
      // The schema's "uuid" format also admits the `urn:uuid:` form, which is no id of ours.
      const clientMessageId = parseClientMessageId(rawClientMessageId);
      if (clientMessageId === null) return invalid('/data/client_message_id must be a UUID', context);
      const frame: UserMessageFrame =
        threadId === undefined ? { type: 'user_message', content, clientMessageId } : { type: 'user_message', content, clientMessageId, threadId };
      return { ok: true, frame };
    }
    case 'resume':
      return { ok: true, frame: { type: 'resume', runId: valid.data.run_id, afterSeq: Math.min(valid.data.after_seq, MAX_AFTER_SEQ) } };
    case 'ping':
      return { ok: true, frame: { type: 'ping', nonce: valid.data.nonce } };
  }
}

function describeBreaches(breaches: readonly SchemaBreach[]): string {
  return breaches.map((breach) => `${breach.path} ${breach.problem}`).join('; ');
}

interface RejectionContext {
  readonly clientMessageId?: string;
  readonly runId?: string;
}

function invalid(message: string, context: RejectionContext = {}): FrameReading {
  return { ok: false, rejection: { code: ErrorCode.INVALID_MESSAGE, message, ...context } };
}
