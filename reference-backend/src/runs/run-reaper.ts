import { describeError, OutageLog, type Logger } from '../logger';
import type { LeaseStore, RunOwner } from '../storage/lease-store';
import type { PersistedEvent } from '../storage/run-store';
import { deadRunEnding } from './dead-run-ending';
import type { RunIdentity } from './run-events';

/** Where the ending of a dead instance's run goes live (realtime/run-event-fanout.ts). */
export interface EndedRunSink {
  /** `events`: the run's stored events then its ending, in seq order; each instance delivers those beyond what it delivered already. */
  deliverEnding(run: RunIdentity, events: readonly PersistedEvent[]): void;
}

/** One pass over the runs of dead instances. */
export interface RunReaper {
  /** Ends every orphaned run it finds; resolves with how many it ended. */
  sweep(): Promise<number>;
}

export interface RunReaperDeps {
  readonly leases: LeaseStore;
  readonly owner: RunOwner;
  readonly sink: EndedRunSink;
  /** agent_started's agent_name, for a run that died before it started. */
  readonly agentName: string;
  readonly logger: Logger;
}

/** Runs ended per pass at most; the next pass, a second later, takes the rest. */
const SWEEP_BATCH = 50;

/**
 * Ends the runs of dead instances (protocol §5): each orphaned run gets its
 * ending stored and marked failed in one transaction (so a resume replays
 * it), then delivered live to the user's connections on every instance.
 */
export class LeaseRunReaper implements RunReaper {
  constructor(private readonly deps: RunReaperDeps) {}

  async sweep(): Promise<number> {
    const { leases, owner, logger } = this.deps;
    const orphans = await leases.orphanedRuns(owner, SWEEP_BATCH);
    let ended = 0;
    for (const orphan of orphans) {
      const done = await leases.endOrphanedRun(orphan.runId, owner, (run) => deadRunEnding(run, this.deps.agentName));
      if (done === null) continue;
      ended += 1;
      logger.warn(`ended run ${orphan.runId} of ${orphan.ownerInstance === null ? 'no instance (never claimed)' : `instance ${orphan.ownerInstance}`}, which is gone`);
      const { run, ending } = done;
      // The whole run, not only its ending: what the dead instance stored but had no time to deliver reaches the tabs too (each instance delivers only what it has not).
      this.deps.sink.deliverEnding({ runId: run.runId, threadId: run.threadId, userId: run.userId }, [...run.events, ...ending.events]);
    }
    return ended;
  }
}

export interface InstanceLeaseDeps {
  readonly leases: LeaseStore;
  readonly reaper: RunReaper;
  readonly owner: RunOwner;
  /** False until the schema exists (the first PostgreSQL probe makes it). */
  readonly storageReady: () => boolean;
  readonly logger: Logger;
}

/** How often the lease is renewed and dead runs are looked for: a quarter of the lease, at most every second. */
export function leaseTickMs(leaseMs: number): number {
  return Math.min(1_000, Math.floor(leaseMs / 4));
}

/**
 * This instance's lease on its name and its runs, and the reaper's rhythm:
 * every tick renews the lease, then ends the runs of dead instances. The
 * first tick is the startup's (`start`): a process starting under a name ends
 * what the name's previous process left open before it serves anyone.
 */
export class InstanceLease {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly renewal: OutageLog;
  private readonly sweeping: OutageLog;

  constructor(private readonly deps: InstanceLeaseDeps) {
    this.renewal = new OutageLog(deps.logger, 'renewing the instance lease');
    this.sweeping = new OutageLog(deps.logger, "ending dead instances' runs");
  }

  /** The startup tick, then one every leaseTickMs. */
  async start(): Promise<void> {
    await this.tick();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule()), leaseTickMs(this.deps.owner.leaseMs));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || !this.deps.storageReady()) return;
    try {
      await this.deps.leases.renew(this.deps.owner);
      this.renewal.recovered();
    } catch (err) {
      this.renewal.failed(err);
    }
    try {
      await this.deps.reaper.sweep();
      this.sweeping.recovered();
    } catch (err) {
      this.sweeping.failed(err);
    }
  }

  /** No more renewals or sweeps (shutdown, before the lease is released). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Shutdown, after the drain: give the lease up, so that whatever is still open is ended by a peer at once. */
  async release(): Promise<void> {
    this.stop();
    try {
      await this.deps.leases.release(this.deps.owner);
    } catch (err) {
      this.deps.logger.warn(`could not release the instance lease: ${describeError(err)}`);
    }
  }
}
