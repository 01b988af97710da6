import type { RunId } from '../domain/ids';
import { delay } from '../util/timing';
import { chatStoreWith, runStoreWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/**
 * Faults of the area agent_events that break the run's timing (protocol §5):
 * each makes the backend slow the way a real bug would — a back-off in the
 * wrong place, a poller, a tool without a timeout, a configuration default —
 * not by sleeping for its own sake.
 */

/** acceptance_backoff_first: the retry back-off of accepting a message. */
const ACCEPT_BACKOFF_MS = 1_200;
/** late_run_start: how often the run poller looks for accepted runs. */
const RUN_POLL_INTERVAL_MS = 1_500;
/** silent_tool_stall: how long the first tool call of a run waits on its cold upstream. */
const COLD_UPSTREAM_MS = 16_000;
/** step_delay_zero_ignored: the default that `AGENT_STEP_DELAY_MS=0` falls back to. */
const DEFAULT_STEP_DELAY_MS = 2_000;

export const RUN_TIMING_FAULTS = {
  acceptance_backoff_first: () => ({
    // A retry loop that waits its back-off before every attempt, the first one included.
    chatStore: (store) =>
      chatStoreWith(store, {
        acceptUserMessage: async (input) => {
          await delay(ACCEPT_BACKOFF_MS);
          return store.acceptUserMessage(input);
        },
      }),
  }),

  late_run_start: () => ({
    // Runs are picked up by a poller instead of at once: the claim happens on its next tick.
    runStore: (store) =>
      runStoreWith(store, {
        claimRun: async (runId, instanceId) => {
          await delay(RUN_POLL_INTERVAL_MS);
          return store.claimRun(runId, instanceId);
        },
      }),
  }),

  silent_tool_stall: () => {
    const warmedUp = new Set<RunId>();
    return {
      // The first tool call of each run waits on an upstream with no timeout, and nothing tells the user meanwhile.
      toolExecutor: (tools) => ({
        execute: async (name, args, context) => {
          if (!warmedUp.has(context.runId)) {
            warmedUp.add(context.runId);
            await delay(COLD_UPSTREAM_MS);
          }
          return tools.execute(name, args, context);
        },
      }),
    };
  },

  step_delay_zero_ignored: () => ({
    // `Number(value) || default`: an explicit 0 is falsy, so the default applies.
    loadConfig: (load) => (env) => load({ ...env, AGENT_STEP_DELAY_MS: String(Number(env.AGENT_STEP_DELAY_MS) || DEFAULT_STEP_DELAY_MS) }),
  }),
} satisfies Record<string, FaultWrapper>;
