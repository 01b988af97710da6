import type { ThreadId } from '../domain/ids';

export interface HistoryMessage {
  readonly message_id: unknown;
  readonly client_message_id: unknown;
  readonly role: unknown;
  readonly content: unknown;
  readonly created_at: unknown;
  readonly run_id: unknown;
}

export interface HistoryResponse {
  readonly status: number;
  /** The parsed body, or undefined when it was not JSON. */
  readonly body: unknown;
  readonly text: string;
}

/** PROTOCOL §2: `GET /api/threads/{thread_id}/messages`. */
export async function fetchHistory(httpUrl: string, threadId: ThreadId | string, token: string | undefined, timeoutMs: number): Promise<HistoryResponse> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const response = await fetch(`${httpUrl}/api/threads/${encodeURIComponent(threadId)}/messages`, {
    headers,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, body: parseJson(text), text };
}

export function historyMessages(response: HistoryResponse): HistoryMessage[] | undefined {
  const body = response.body as { messages?: unknown } | undefined;
  return Array.isArray(body?.messages) ? (body.messages as HistoryMessage[]) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // a non-JSON body is reported by whoever expected JSON
  }
}
