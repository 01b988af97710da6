/**
 * What travels on the socket, as the suite sees it. Server frames are kept
 * loose (`unknown` values) on purpose: the suite checks what a backend sent,
 * it does not trust it to be well-typed.
 */
export const RUN_EVENT_TYPES = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

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

export function isRunEventType(type: unknown): type is RunEventType {
  return typeof type === 'string' && (RUN_EVENT_TYPES as readonly string[]).includes(type);
}

export function frameType(frame: ReceivedFrame): string | undefined {
  return typeof frame.frame?.type === 'string' ? frame.frame.type : undefined;
}

/** The `data` object of a frame, or an empty one. */
export function frameData(frame: ReceivedFrame): Record<string, unknown> {
  const data = frame.frame?.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

export function parseServerFrame(text: string): ServerFrame | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined; // not JSON: kept as text, reported by the rules that look at it
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ServerFrame) : undefined;
}
