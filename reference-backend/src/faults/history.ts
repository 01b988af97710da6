import type { Database } from '../storage/database';
import { runStoreWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/** Faults of the area history: the thread's messages (protocol §2, §7). */
export const HISTORY_FAULTS = {
  lost_assistant_message: () => ({
    runStore: (store, { db }) =>
      runStoreWith(store, {
        appendEvents: async (runId, events, answer) => {
          await store.appendEvents(runId, events); // without the answer: no assistant message
          if (answer !== undefined) await markSucceeded(db, runId);
        },
      }),
  }),
} satisfies Record<string, FaultWrapper>;

/** The run's success, which the clean store records with the answer (one statement there; two here, for a planted fault). */
async function markSucceeded(db: Database, runId: string): Promise<void> {
  await db.query(`UPDATE runs SET status = 'succeeded', finished_at = now() WHERE run_id = $1`, [runId]);
}
