/**
 * Event-driven waiting: a condition re-checked whenever something happens,
 * bounded by a deadline. No sleeps, no polling.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<() => void>();

  /** Re-checks every pending condition; call on each new observation. */
  notify(): void {
    for (const check of [...this.waiters]) check();
  }

  /**
   * Resolves with the first non-undefined value of `probe`, or with undefined
   * once the deadline passes or `abandon` says waiting is pointless (a closed
   * socket). Never rejects: what was not seen in time is for a judge to judge.
   */
  until<T>(timeoutMs: number, probe: () => T | undefined, abandon: () => boolean = () => false): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve) => {
      const finish = (value: T | undefined): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const check = (): void => {
        const value = probe();
        if (value !== undefined) finish(value);
        else if (abandon()) finish(undefined);
      };
      const timer = setTimeout(() => finish(undefined), Math.max(0, timeoutMs));
      this.waiters.add(check);
      check();
    });
  }
}
