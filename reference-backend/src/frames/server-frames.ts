import { PROTOCOL_VERSION, type Dependency, type ErrorCode, type RunEventType } from '../../../protocol/constants';
import type { ClientMessageId, ConnectionId, MessageId, RunId, ThreadId, ToolCallId, UserId } from '../domain/ids';

/** Which error codes invite the client to try again (the protocol's `retryable`). */
const RETRYABLE: Readonly<Record<ErrorCode, boolean>> = {
  INVALID_MESSAGE: false,
  UNSUPPORTED_TYPE: false,
  NOT_FOUND: false,
  FORBIDDEN: false,
  RATE_LIMITED: true,
  SERVICE_UNAVAILABLE: true,
  INTERNAL: false,
};

export interface ErrorFrameData {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  retry_after_ms?: number;
  client_message_id?: string;
  run_id?: string;
}

/** What an error frame may mention about the request it answers. */
export interface ErrorContext {
  readonly clientMessageId?: string | undefined;
  readonly runId?: string | undefined;
  readonly retryAfterMs?: number | undefined;
}

export interface Recommendation {
  readonly title: string;
  readonly [detail: string]: unknown;
}

export interface RunResult {
  readonly summary: string;
  readonly recommendations: readonly Recommendation[];
}

export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** `data` of each of the five run events. */
export interface RunEventData {
  agent_started: { agent_name: string };
  agent_thinking: { thought: string; step: number };
  tool_executing: { tool_call_id: ToolCallId; tool_name: string; args: Record<string, unknown> };
  tool_completed:
    | { tool_call_id: ToolCallId; tool_name: string; status: 'success'; result: Record<string, unknown>; duration_ms: number }
    | { tool_call_id: ToolCallId; tool_name: string; status: 'error'; error: RunError; duration_ms: number };
  agent_completed:
    | { status: 'success'; result: RunResult; duration_ms: number }
    | { status: 'error'; error: RunError; duration_ms: number };
}

export interface RunFrameHeader {
  readonly runId: RunId;
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly seq: number;
}

const now = (): string => new Date().toISOString();

/** Serialize a run event once, to the exact text sent live and replayed. */
export function serializeRunEvent<T extends RunEventType>(type: T, header: RunFrameHeader, data: RunEventData[T]): string {
  return JSON.stringify({
    type,
    timestamp: now(),
    run_id: header.runId,
    thread_id: header.threadId,
    user_id: header.userId,
    seq: header.seq,
    data,
  });
}

function frame(type: string, data: object): string {
  return JSON.stringify({ type, timestamp: now(), data });
}

export function connectionEstablishedFrame(
  connectionId: ConnectionId,
  userId: UserId,
  degraded: readonly Dependency[],
): string {
  return frame('connection_established', {
    connection_id: connectionId,
    user_id: userId,
    protocol_version: PROTOCOL_VERSION,
    degraded,
  });
}

export interface MessageAcceptance {
  readonly clientMessageId: ClientMessageId;
  readonly messageId: MessageId;
  readonly threadId: ThreadId;
  readonly runId: RunId;
}

export function messageAcceptedFrame(a: MessageAcceptance): string {
  return frame('message_accepted', {
    client_message_id: a.clientMessageId,
    message_id: a.messageId,
    thread_id: a.threadId,
    run_id: a.runId,
  });
}

/** `pong` echoing the ping's nonce; an absent nonce stays absent. */
export function pongFrame(nonce: unknown): string {
  return frame('pong', nonce === undefined ? {} : { nonce });
}

export function errorFrame(code: ErrorCode, message: string, context: ErrorContext = {}): string {
  const data: ErrorFrameData = { code, message, retryable: RETRYABLE[code] };
  if (context.retryAfterMs !== undefined) data.retry_after_ms = context.retryAfterMs;
  if (context.clientMessageId !== undefined) data.client_message_id = context.clientMessageId;
  if (context.runId !== undefined) data.run_id = context.runId;
  return frame('error', data);
}
