import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value or the deadline passes. This is the
 * one place the suite polls: used for things that cannot push a signal
 * (a port that starts answering, a counter on /health). The poll interval is
 * short and never a fixed sleep standing in for a condition.
 */
/** Thrown by a probe when waiting longer cannot help (the process died). */
export class GiveUp extends Error {}

export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 25,
): Promise<T> {
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
