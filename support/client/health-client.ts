import { HttpPath } from '../../protocol/constants';
import { parseJson } from '../domain/json';
import type { Endpoint } from '../target/system-under-test';

/** One answer of /health or /health/ready. */
export interface HealthReading {
  readonly status: number;
  /** The parsed body, or undefined when it was not JSON. */
  readonly body: unknown;
  readonly text: string;
  /** When the request went out, and when the answer came (performance.now()). */
  readonly sentAt: number;
  readonly at: number;
}

/**
 * PROTOCOL §2's health endpoints. A request that gets no HTTP answer at all
 * is an error saying so (the service is down or unreachable), never a reading.
 */
export async function readHealth(endpoint: Endpoint, timeoutMs: number): Promise<HealthReading> {
  return read(`${endpoint.httpUrl}${HttpPath.health}`, timeoutMs);
}

export async function readReadiness(endpoint: Endpoint, timeoutMs: number): Promise<HealthReading> {
  return read(`${endpoint.httpUrl}${HttpPath.readiness}`, timeoutMs);
}

async function read(url: string, timeoutMs: number): Promise<HealthReading> {
  const sentAt = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Error(`the chat service did not answer GET ${url} within ${(timeoutMs / 1000).toFixed(1)} s: ${error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error)}`, { cause: error });
  }
  const text = await response.text();
  return { status: response.status, body: parseJson(text), text, sentAt, at: performance.now() };
}
