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

/**
 * The second sign of life, beside the lease in PostgreSQL: each instance
 * announces itself every tick where announcements vanish on their own
 * (realtime/redis-bus.ts: a key with a time to live). A peer silent in both
 * places for `silenceMs` is dead; silent in one only, it is merely cut off
 * from it and still ends its own runs.
 */
export interface InstanceLiveness {
  /** `owner` is alive for `owner.silenceMs` more; rejects while it cannot be said. */
  announce(owner: RunOwner): Promise<void>;
  /** Of `names`, those with no standing announcement; rejects while that cannot be known. */
  silentAmong(names: readonly string[]): Promise<string[]>;
}

/** One pass over the runs of dead instances. */
export interface RunReaper {
  /** Ends every orphaned run it finds; resolves with how many it ended. */
  sweep(): Promise<number>;
}

export interface RunReaperDeps {
  readonly leases: LeaseStore;
  readonly liveness: InstanceLiveness;
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
 * An instance is dead when its lease lapsed, or sooner when it has been
 * silent for `silenceMs` both in PostgreSQL and in Redis; while Redis cannot
 * be asked, only the lease counts.
 */
export class LeaseRunReaper implements RunReaper {
  private readonly asking: OutageLog;

  constructor(private readonly deps: RunReaperDeps) {
    this.asking = new OutageLog(deps.logger, 'asking redis which quiet instances are alive');
  }

  async sweep(): Promise<number> {
    const { leases, owner, logger } = this.deps;
    const presumedDead = await this.presumedDead();
    const orphans = await leases.orphanedRuns(owner, SWEEP_BATCH, presumedDead);
    let ended = 0;
    for (const orphan of orphans) {
      const done = await leases.endOrphanedRun(orphan.runId, owner, presumedDead, (run) => deadRunEnding(run, this.deps.agentName));
      if (done === null) continue;
      ended += 1;
      const whose = orphan.ownerInstance === null ? 'no instance (never claimed)' : `instance ${orphan.ownerInstance}`;
      const why = orphan.ownerInstance !== null && presumedDead.includes(orphan.ownerInstance) ? `, silent in PostgreSQL and Redis for ${owner.silenceMs} ms` : '';
      logger.warn(`ended run ${orphan.runId} of ${whose}, which is gone${why}`);
      const { run, ending } = done;
      // The whole run, not only its ending: what the dead instance stored but had no time to deliver reaches the tabs too (each instance delivers only what it has not).
      this.deps.sink.deliverEnding({ runId: run.runId, threadId: run.threadId, userId: run.userId }, [...run.events, ...ending.events]);
    }
    return ended;
  }

  /** The quiet instances (no renewal for the silence) that Redis has not heard from either; none while Redis cannot be asked. */
  private async presumedDead(): Promise<string[]> {
    const quiet = await this.deps.leases.quietInstances(this.deps.owner);
    if (quiet.length === 0) return [];
    try {
      const silent = await this.deps.liveness.silentAmong(quiet);
      this.asking.recovered();
      return silent;
    } catch (err) {
      this.asking.failed(err);
      return [];
    }
  }
}

export interface InstanceLeaseDeps {
  readonly leases: LeaseStore;
  readonly liveness: InstanceLiveness;
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
 * every tick renews the lease, then ends the runs of dead instances; on a
 * rhythm of its own (so that a database that hangs does not silence it), the
 * instance announces itself alive in Redis. The first tick is the startup's
 * (`start`): a process starting under a name ends what the name's previous
 * process left open before it serves anyone.
 */
export class InstanceLease {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly announcing: OutageLog;
  private readonly renewal: OutageLog;
  private readonly sweeping: OutageLog;

  constructor(private readonly deps: InstanceLeaseDeps) {
    this.announcing = new OutageLog(deps.logger, 'announcing the instance alive in redis');
    this.renewal = new OutageLog(deps.logger, 'renewing the instance lease');
    this.sweeping = new OutageLog(deps.logger, "ending dead instances' runs");
  }

  /** The startup tick and announcement, then one of each every leaseTickMs. */
  async start(): Promise<void> {
    await Promise.all([this.announce(), this.tick()]);
    this.repeat(() => this.announce());
    this.repeat(() => this.tick());
  }

  /** `step` again leaseTickMs after it settled, until stopped. */
  private repeat(step: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void step().finally(() => this.repeat(step));
    }, leaseTickMs(this.deps.owner.leaseMs));
    timer.unref();
    this.timers.add(timer);
  }

  private async tick(): Promise<void> {
    if (this.stopped || !this.deps.storageReady()) return;
    await this.renew();
    try {
      await this.deps.reaper.sweep();
      this.sweeping.recovered();
    } catch (err) {
      this.sweeping.failed(err);
    }
  }

  private async announce(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.deps.liveness.announce(this.deps.owner);
      this.announcing.recovered();
    } catch (err) {
      this.announcing.failed(err);
    }
  }

  private async renew(): Promise<void> {
    try {
      await this.deps.leases.renew(this.deps.owner);
      this.renewal.recovered();
    } catch (err) {
      this.renewal.failed(err);
    }
  }

  /** No more renewals or sweeps (shutdown, before the lease is released). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
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
