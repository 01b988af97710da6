import { isRunEventType, type RunEventType } from '../../protocol/constants';
import { isObject, parseJson } from './json';

/**
 * What travels on the socket, as the suite sees it. Server frames are kept
 * loose (`unknown` values) on purpose: the suite checks what a backend sent,
 * it does not trust it to be well-typed.
 */
export type { RunEventType };

export interface ServerFrame {
  readonly type?: unknown;
  readonly timestamp?: unknown;
  readonly data?: unknown;
  readonly run_id?: unknown;
  readonly thread_id?: unknown;
  readonly user_id?: unknown;
  readonly seq?: unknown;
  readonly [field: string]: unknown;
}

/** A frame as received: when, its exact text, and its parsed form. */
export interface ReceivedFrame {
  /** Position on this connection, from 0. */
  readonly index: number;
  /** `performance.now()` at receipt. */
  readonly receivedAt: number;
  readonly text: string;
  /** The parsed frame, or undefined when the text was not a JSON object. */
  readonly frame: ServerFrame | undefined;
}

export interface SentFrame {
  readonly sentAt: number;
  readonly text: string;
  readonly type: string;
  /** Sent on purpose as-is (possibly malformed), not built by the suite's client. */
  readonly raw: boolean;
}

export { isRunEventType };

export function frameType(frame: ReceivedFrame): string | undefined {
  return typeof frame.frame?.type === 'string' ? frame.frame.type : undefined;
}

/** The `data` object of a frame, or an empty one. */
export function frameData(frame: ReceivedFrame): Record<string, unknown> {
  const data = frame.frame?.data;
  return isObject(data) ? data : {};
}

export function parseServerFrame(text: string): ServerFrame | undefined {
  const parsed = parseJson(text);
  return isObject(parsed) ? parsed : undefined;
}

/** An `error` frame answering the user_message with this client_message_id, or the message_accepted of it. */
export function answersMessage(frame: ReceivedFrame, clientMessageId: string): boolean {
  const type = frameType(frame);
  return (type === 'message_accepted' || type === 'error') && frameData(frame).client_message_id === clientMessageId;
}
