import { AgentRunner } from '../agent/runtime/agent-runner';
import type { AgentModel } from '../agent/runtime/model';
import type { ToolExecutor } from '../agent/runtime/tool-registry';
import type { ConnectionId, RunId } from '../domain/ids';
import { describeError, OutageLog, type Logger } from '../logger';
import type { RunTicket } from '../storage/chat-store';
import type { RunDrain } from '../lifecycle/drain';
import type { RunOwner } from '../storage/lease-store';
import { isDatabaseUnavailable } from '../storage/database';
import type { RunStore } from '../storage/run-store';
import { delay, withTimeout } from '../util/timing';
import type { RunEvents, RunIdentity } from './run-events';

export interface RunManagerDeps {
  readonly runStore: RunStore;
  /** One run's events: numbered, stored and delivered (a RunEventEmitter). */
  readonly eventsOf: (run: RunIdentity) => RunEvents;
  readonly model: AgentModel;
  readonly tools: ToolExecutor;
  readonly stepDelayMs: number;
  /** This instance, as the runs it claims record it. */
  readonly owner: RunOwner;
  readonly logger: Logger;
}

/** After the grace period, aborted runs get this long to announce their failure. */
const ABORT_SETTLE_MS = 3000;
/** A failed run's end that could not be stored (PostgreSQL down) is tried again this often... */
const RECORD_RETRY_MS = 500;
/** ...for this long, after which the run is left to the dead-instance sweep. */
const RECORD_RETRY_WINDOW_MS = 10 * 60_000;

/**
 * Owns the runs executing on this instance. Runs belong to the server, not to
 * a socket: they go on when the socket that started them closes.
 */
export class RunManager implements RunDrain {
  private readonly active = new Map<RunId, { done: Promise<void>; controller: AbortController }>();
  private readonly bookkeeping: OutageLog;
  private stopping = false;

  constructor(private readonly deps: RunManagerDeps) {
    this.bookkeeping = new OutageLog(deps.logger, 'recording run outcomes');
  }

  /** Start the run unless it was already claimed (here or on another instance). */
  startIfPending(run: RunTicket, startedBy: ConnectionId): void {
    if (run.status !== 'pending' || this.active.has(run.runId)) return;
    const controller = new AbortController();
    const done = this.claimAndExecute(run, startedBy, controller.signal)
      .catch((err: unknown) => this.deps.logger.error(`run ${run.runId} crashed`, err))
      .finally(() => this.active.delete(run.runId));
    this.active.set(run.runId, { done, controller });
  }

  private async claimAndExecute(run: RunTicket, startedBy: ConnectionId, signal: AbortSignal): Promise<void> {
    const { runStore, logger } = this.deps;
    const identity: RunIdentity = { runId: run.runId, threadId: run.threadId, userId: run.userId, startedBy };
    let claimed: boolean | { readonly lost: unknown };
    try {
      claimed = await runStore.claimRun(run.runId, this.deps.owner);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      logger.warn(`could not claim run ${run.runId}: ${describeError(err)}`);
      claimed = { lost: err };
    }
    if (claimed === false) return; // taken by another instance, or already done
    // PostgreSQL went away right after the commit: nothing of the run can be stored, so the agent is not asked
    // at all; the client is told at once that the run failed, and may retry (§5: failure is never silent).
    const events = this.deps.eventsOf(identity);
    const runner = new AgentRunner(
      { model: this.deps.model, tools: this.deps.tools, events, stepDelayMs: this.deps.stepDelayMs, signal },
      identity,
    );
    const outcome = claimed === true ? await runner.run(run.content) : await runner.failBeforeStart(claimed.lost);
    if (outcome.status === 'error') void this.recordFailure(run.runId, outcome.error.code, events);
  }

  /**
   * Stores a failed run's end: its status, and what it delivered while
   * PostgreSQL was away (so a resume replays it to its end, and a success
   * withdrawn live is withdrawn in storage too). Retried until PostgreSQL
   * takes it, within a window; never throws.
   */
  private async recordFailure(runId: RunId, errorCode: string, events: RunEvents): Promise<void> {
    const giveUpAt = Date.now() + RECORD_RETRY_WINDOW_MS;
    for (;;) {
      try {
        await this.deps.runStore.recordFailure(runId, errorCode, events.unstored);
        this.bookkeeping.recovered();
        return;
      } catch (err) {
        this.bookkeeping.failed(err);
        if (this.stopping || Date.now() >= giveUpAt) return;
      }
      await delay(RECORD_RETRY_MS);
    }
  }

  /** Let in-flight runs finish within `graceMs` (the first half of a drain). */
  async settle(graceMs: number): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.active.size > 0 && Date.now() < deadline) {
      await Promise.race([this.allDone(), delay(deadline - Date.now())]);
    }
  }

  /** Abort the runs still going, which end with an error agent_completed (the second half of a drain). */
  async abortRemaining(): Promise<void> {
    if (this.active.size === 0) return;
    for (const { controller } of this.active.values()) controller.abort();
    await withTimeout(this.allDone(), ABORT_SETTLE_MS, 'aborting runs').catch((err: unknown) =>
      this.deps.logger.warn(describeError(err)),
    );
  }

  private async allDone(): Promise<void> {
    await Promise.all([...this.active.values()].map((r) => r.done));
  }
}
