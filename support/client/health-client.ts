import { HttpPath } from '../../protocol/constants';
import { httpCall } from './http-client';
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
export function readHealth(endpoint: Endpoint, timeoutMs: number): Promise<HealthReading> {
  return read(endpoint, HttpPath.health, timeoutMs);
}

export function readReadiness(endpoint: Endpoint, timeoutMs: number): Promise<HealthReading> {
  return read(endpoint, HttpPath.readiness, timeoutMs);
}

async function read(endpoint: Endpoint, path: string, timeoutMs: number): Promise<HealthReading> {
  const sentAt = performance.now();
  const answer = await httpCall(`${endpoint.httpUrl}${path}`, { timeoutMs, ca: endpoint.ca });
  return { status: answer.status, body: answer.body, text: answer.text, sentAt, at: performance.now() };
}
