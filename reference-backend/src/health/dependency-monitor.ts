import { DEPENDENCIES, type Dependency, type ReadinessStatus } from '../../../protocol/constants';
import { withTimeout } from '../util/timing';

export type DependencyStatus = 'up' | 'down';

/** Whether a dependency is up right now: what most components need of the monitor. */
export interface DependencyStatusView {
  isUp(dependency: Dependency): boolean;
}

/** One dependency's health probe; resolves true when it is usable. */
export type HealthProbe = () => Promise<boolean>;

/** Our choices; a change shows on /health/ready within interval + timeout, well inside the protocol's 5 s. */
const PROBE_INTERVAL_MS = 750;
const PROBE_TIMEOUT_MS = 1500;

/**
 * Probes PostgreSQL and Redis in the background and keeps their current
 * status. A probe that throws or takes longer than 1.5 s counts as down.
 * PostgreSQL starts as down until its first successful probe (which also
 * migrates the schema); recovery needs no restart.
 */
export class DependencyMonitor implements DependencyStatusView {
  private readonly status: Record<Dependency, DependencyStatus> = { postgres: 'down', redis: 'down' };
  private readonly inFlight: Partial<Record<Dependency, Promise<void>>> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly probes: Readonly<Record<Dependency, HealthProbe>>) {}

  isUp(dependency: Dependency): boolean {
    return this.status[dependency] === 'up';
  }

  snapshot(): Record<Dependency, DependencyStatus> {
    return { ...this.status };
  }

  /** Dependencies down right now (for `connection_established.degraded`). */
  down(): Dependency[] {
    return DEPENDENCIES.filter((d) => this.status[d] === 'down');
  }

  readiness(): ReadinessStatus {
    if (this.status.postgres === 'down') return 'unavailable';
    return this.status.redis === 'down' ? 'degraded' : 'ready';
  }

  /** Probe every dependency once (concurrently) and wait for the results. */
  async checkNow(): Promise<void> {
    await Promise.all((Object.keys(this.probes) as Dependency[]).map((d) => this.probe(d)));
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.checkNow(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private probe(dependency: Dependency): Promise<void> {
    const running = this.inFlight[dependency];
    if (running !== undefined) return running; // a slow probe is still out; do not pile up more
    const probe = this.probes[dependency];
    const attempt = withTimeout(probe(), PROBE_TIMEOUT_MS, `${dependency} probe`)
      .then(
        (ok) => {
          this.status[dependency] = ok ? 'up' : 'down';
        },
        () => {
          this.status[dependency] = 'down';
        },
      )
      .finally(() => {
        delete this.inFlight[dependency];
      });
    this.inFlight[dependency] = attempt;
    return attempt;
  }
}
