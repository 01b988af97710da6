import { HttpPath } from '../../protocol/constants';
import { parseJson } from '../domain/json';

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

/** PROTOCOL §2: `GET /api/threads/{thread_id}/messages`, with `Authorization: Bearer <token>` unless `token` is undefined. */
export async function fetchHistory(httpUrl: string, threadId: string, token: string | undefined, timeoutMs: number): Promise<HistoryResponse> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const url = `${httpUrl}${HttpPath.history(threadId)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Error(`the chat service did not answer GET ${url} within ${(timeoutMs / 1000).toFixed(1)} s: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = await response.text();
  return { status: response.status, body: parseJson(text), text };
}

export function historyMessages(response: HistoryResponse): HistoryMessage[] | undefined {
  const body = response.body as { messages?: unknown } | undefined;
  return Array.isArray(body?.messages) ? (body.messages as HistoryMessage[]) : undefined;
}
