import { randomUUID } from 'node:crypto';
import { newMessageId, type ClientMessageId } from '../domain/ids';
import { chatStoreWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/** Faults of the area idempotency: exactly once (protocol §7). */
export const IDEMPOTENCY_FAULTS = {
  duplicate_run_on_retry: () => ({
    chatStore: (store, { db }) =>
      chatStoreWith(store, {
        acceptUserMessage: async (input) => {
          const first = await store.acceptUserMessage(input);
          if (first.kind !== 'duplicate') return first;
          // The retry is accepted again under a fresh key (new ids, a second message and run),
          // then its message is given the client's key back, as if the ledger had not been asked.
          const again = await store.acceptUserMessage({ ...input, clientMessageId: randomUUID() as ClientMessageId });
          if (again.kind === 'thread_not_found') return first;
          await db.query('UPDATE messages SET client_message_id = $2 WHERE message_id = $1', [again.acceptance.messageId, input.clientMessageId]);
          return { kind: 'accepted', acceptance: { ...again.acceptance, clientMessageId: input.clientMessageId }, run: again.run };
        },
      }),
  }),

  retry_stores_message_again: () => ({
    chatStore: (store, { db }) =>
      chatStoreWith(store, {
        acceptUserMessage: async (input) => {
          const outcome = await store.acceptUserMessage(input);
          if (outcome.kind !== 'duplicate') return outcome;
          // The re-sent message is written to the thread before the ledger is asked: the same ids and no second
          // run come back, but the thread now holds the question twice.
          const { threadId, runId } = outcome.acceptance;
          await db.query(
            `INSERT INTO messages (message_id, thread_id, user_id, role, content, client_message_id, run_id) VALUES ($1, $2, $3, 'user', $4, $5, $6)`,
            [newMessageId(), threadId, input.userId, input.content, input.clientMessageId, runId],
          );
          return outcome;
        },
      }),
  }),
} satisfies Record<string, FaultWrapper>;
