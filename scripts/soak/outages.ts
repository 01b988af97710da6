/**
 * The soak's two outages, each a few seconds long, through the fault proxies
 * (support/services/fault-proxy.ts): PostgreSQL cut (every connection reset,
 * new ones refused), then Redis cut, at fixed shares of the run.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultProxy } from '../../support/services/fault-proxy';

export interface Outage {
  readonly kind: 'database' | 'cache';
  /** ms since the soak's start (performance.now()). */
  readonly startedAt: number;
  endedAt: number | undefined;
}

export interface OutagePlan {
  readonly kind: Outage['kind'];
  /** When, as a share of the traffic phase. */
  readonly atShare: number;
  readonly durationMs: number;
}

export const OUTAGE_PLAN: readonly OutagePlan[] = [
  { kind: 'database', atShare: 0.3, durationMs: 4_000 },
  { kind: 'cache', atShare: 0.6, durationMs: 4_000 },
];

export class Outages {
  readonly happened: Outage[] = [];
  private readonly stopped = new AbortController();

  constructor(
    private readonly proxies: { readonly database: FaultProxy; readonly cache: FaultProxy },
    private readonly log: (line: string) => void,
  ) {}

  /** Runs the plan over a traffic phase of `trafficMs` starting at `startedAt`; resolves when both are over. */
  async run(startedAt: number, trafficMs: number): Promise<void> {
    for (const plan of OUTAGE_PLAN) {
      const due = startedAt + plan.atShare * trafficMs - performance.now();
      if (due > 0) await delay(due, undefined, { signal: this.stopped.signal }).catch(() => undefined);
      if (this.stopped.signal.aborted) return;
      const proxy = this.proxies[plan.kind];
      const outage: Outage = { kind: plan.kind, startedAt: performance.now(), endedAt: undefined };
      this.happened.push(outage);
      proxy.cut();
      this.log(`${plan.kind} outage: ${plan.kind === 'database' ? 'PostgreSQL' : 'Redis'} cut for ${plan.durationMs / 1000} s`);
      try {
        await delay(plan.durationMs, undefined, { signal: this.stopped.signal }).catch(() => undefined);
      } finally {
        proxy.restore();
        outage.endedAt = performance.now();
        this.log(`${plan.kind} outage over`);
      }
    }
  }

  /** Ends an outage in progress at once (the soak is stopping). */
  stop(): void {
    this.stopped.abort();
  }
}
