import { CloseCode, RefusalStatus } from '../../../protocol/constants';
import { delay } from '../util/timing';
import { lifecycleWith, policyWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';
import { UpgradeBurst } from './upgrade-burst';

/** Faults of the area race_conditions: many connections at once, early frames (protocol §3). */

/** early_frames_dropped: how long connection setup takes. */
const SLOW_SETUP_MS = 150;

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
} satisfies Record<string, FaultWrapper>;
