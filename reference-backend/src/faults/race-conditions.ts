import { CloseCode, RefusalStatus } from '../../../protocol/constants';
import type { ClientConnection } from '../connection/client-connection';
import { delay } from '../util/timing';
import { lifecycleWith, policyWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';
import { UpgradeBurst } from './upgrade-burst';

/** Faults of the area race_conditions: many connections at once, early frames (protocol §3). */

/** setup_pool_exhausted: the per-connection subscriber slots of the instance. */
const SETUP_POOL_SLOTS = 100;

/** early_frames_dropped, answers_before_ready: how long connection setup takes. */
const SLOW_SETUP_MS = 150;

/** slow_ready: connection setup (a per-connection lookup) slower than the local connect target, still well within the suite's patience. */
const VERY_SLOW_SETUP_MS = 2_500;

export const RACE_CONDITION_FAULTS = {
  early_frames_dropped: () => ({
    connectionPolicy: (policy) =>
      policyWith(policy, { onArrival: (frame, intake) => (intake.isEstablished() ? policy.onArrival(frame, intake) : undefined) }),
    connectionLifecycle: (lifecycle) =>
      lifecycleWith(lifecycle, {
        prepare: async (connection) => {
          const degraded = await lifecycle.prepare(connection);
          await delay(SLOW_SETUP_MS);
          return degraded;
        },
      }),
  }),

  burst_1011: () => {
    const burst = new UpgradeBurst();
    return {
      connectionLifecycle: (lifecycle) =>
        lifecycleWith(lifecycle, {
          opened: (connection) => {
            burst.recordUpgrade();
            lifecycle.opened(connection);
          },
          established: (connection) => {
            lifecycle.established(connection);
            if (burst.pickEstablished()) connection.close(CloseCode.InternalError, 'internal error');
          },
        }),
    };
  },

  connection_count_leak: () => ({
    openConnections: (open) => {
      let closed = 0; // never taken off the count
      return {
        add: (connection) => open.add(connection),
        delete: (connection) => {
          open.delete(connection);
          closed += 1;
        },
        get count() {
          return open.count + closed;
        },
        all: () => open.all(),
      };
    },
  }),

  upgrade_then_close_when_full: () => ({
    refuseHandshake: (refuse) => (handshake, refusal) => {
      if (refusal.status !== RefusalStatus.TooManyConnections) return refuse(handshake, refusal);
      handshake.upgrade((ws) => ws.close(CloseCode.InternalError, 'refused'));
    },
  }),

  setup_pool_exhausted: () => {
    // Each connection's setup takes one of a fixed pool of per-connection subscriber slots and keeps it while it is
    // open; when the pool is empty, setup waits for a free slot — with no deadline — and the client just waits.
    const free = { slots: SETUP_POOL_SLOTS };
    const holders = new Set<ClientConnection>();
    const waiting: Array<{ readonly connection: ClientConnection; readonly take: () => void }> = [];
    const release = (connection: ClientConnection): void => {
      const queued = waiting.findIndex((entry) => entry.connection === connection);
      if (queued !== -1) waiting.splice(queued, 1);
      if (!holders.delete(connection)) return;
      const next = waiting.shift();
      if (next === undefined) free.slots += 1;
      else next.take();
    };
    return {
      connectionLifecycle: (lifecycle) =>
        lifecycleWith(lifecycle, {
          prepare: async (connection) => {
            if (free.slots > 0) free.slots -= 1;
            else await new Promise<void>((take) => waiting.push({ connection, take }));
            holders.add(connection);
            return lifecycle.prepare(connection);
          },
          closed: (connection) => {
            release(connection);
            lifecycle.closed(connection);
          },
        }),
    };
  },

  // Frames are read as they arrive, alongside a setup that takes a while.
  answers_before_ready: () => ({
    connectionPolicy: (policy) =>
      policyWith(policy, { onArrival: (frame, intake) => policy.onArrival(frame, intake.isEstablished() ? intake : { ...intake, process: (text) => intake.processUnqueued(text) }) }),
    connectionLifecycle: (lifecycle) => lifecycleWith(lifecycle, { prepare: async (connection) => slowly(await lifecycle.prepare(connection), SLOW_SETUP_MS) }),
  }),

  early_frames_rate_limited: () => ({
    connectionPolicy: (policy) => policyWith(policy, { countsTowardRateLimit: () => true }),
  }),

  slow_ready: () => ({
    connectionLifecycle: (lifecycle) => lifecycleWith(lifecycle, { prepare: async (connection) => slowly(await lifecycle.prepare(connection), VERY_SLOW_SETUP_MS) }),
  }),
} satisfies Record<string, FaultWrapper>;

async function slowly<T>(value: T, ms: number): Promise<T> {
  await delay(ms);
  return value;
}
