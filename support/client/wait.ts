/**
 * Event-driven waiting: a condition re-checked whenever something happens,
 * failed by a deadline. No sleeps, no polling.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<() => void>();

  /** Re-checks every pending condition; call on each new observation. */
  notify(): void {
    for (const check of [...this.waiters]) check();
  }

  /**
   * Resolves with the first non-undefined value of `probe`. Rejects when the
   * deadline passes or `abandon` says waiting is pointless (a closed socket).
   */
  waitFor<T>(
    what: string,
    timeoutMs: number,
    probe: () => T | undefined,
    abandon: () => string | undefined,
    describeState: () => string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const started = performance.now();
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = (): void => {
        const value = probe();
        if (value !== undefined) {
          finish();
          resolve(value);
          return;
        }
        const reason = abandon();
        if (reason !== undefined) {
          finish();
          reject(new Error(`${what}: ${reason} after ${((performance.now() - started) / 1000).toFixed(2)} s. ${describeState()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${what}: not within ${(timeoutMs / 1000).toFixed(1)} s. ${describeState()}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}
