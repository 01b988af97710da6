import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polling, for the few things that cannot push a signal: a port that starts
 * answering, an HTTP endpoint whose answer changes (/health, /health/ready).
 * This module is the one place the suite polls; everything on a WebSocket
 * waits on events instead (support/client/wait.ts). The interval is short and
 * never a fixed sleep standing in for a condition.
 */

/** Thrown by a probe when waiting longer cannot help (the process died). */
export class GiveUp extends Error {}

/**
 * Polls `probe` until it returns a value; rejects at the deadline. Errors of
 * the probe count as "not yet" (a backend that is still starting refuses
 * connections), except GiveUp; the last one is named in the rejection.
 */
export async function pollUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 25): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const cause = lastError instanceof Error ? ` (last attempt: ${lastError.message})` : '';
      throw new Error(`${what}: not within ${(timeoutMs / 1000).toFixed(1)} s${cause}`);
    }
    await delay(Math.min(intervalMs, timeoutMs - elapsed));
  }
}

/**
 * Polls `probe` until it returns a value, or resolves undefined at the
 * deadline: an observation for a judge to judge. Errors of the probe are not
 * "not yet": they propagate (a service that stopped answering is reported as
 * what it is).
 */
export async function observeUntil<T>(timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 50): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    await delay(Math.min(intervalMs, remaining));
  }
}
