import { HttpPath } from '../../protocol/constants';
import type { Endpoint } from '../target/system-under-test';
import { httpCall } from './http-client';

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
export async function fetchHistory(endpoint: Endpoint, threadId: string, token: string | undefined, timeoutMs: number): Promise<HistoryResponse> {
  const answer = await httpCall(`${endpoint.httpUrl}${HttpPath.history(threadId)}`, {
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    timeoutMs,
    ca: endpoint.ca,
  });
  return { status: answer.status, body: answer.body, text: answer.text };
}

export function historyMessages(response: HistoryResponse): HistoryMessage[] | undefined {
  const body = response.body as { messages?: unknown } | undefined;
  return Array.isArray(body?.messages) ? (body.messages as HistoryMessage[]) : undefined;
}
