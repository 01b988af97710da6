import { Limits } from '../../../protocol/constants';
import type { Config } from '../config';
import { newMessageId, newRunId, type ThreadId, type UserId } from '../domain/ids';
import type { Logger } from '../logger';
import type { Acceptance, IncomingUserMessage } from '../storage/chat-store';
import { Database, isDatabaseUnavailable } from '../storage/database';
import { SCHEMA_STATEMENTS } from '../storage/schema';
import { delay } from '../util/timing';
import { chatStoreWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/**
 * Faults of the area factory_initialization: how the backend is put
 * together — configuration, startup and shutdown, who receives what.
 */

/** default_secret: used instead of a missing or short JWT_SECRET. */
export const PLANTED_DEFAULT_SECRET = 'golden-path-default-secret-please-change-me!!';

/** migration_race: the pause between "does the table exist?" and creating it. */
const RACY_CHECK_TO_CREATE_MS = 300;

export const FACTORY_INITIALIZATION_FAULTS = {
  default_secret: () => ({
    loadConfig: (load) => (env) =>
      load(Buffer.byteLength(env.JWT_SECRET ?? '', 'utf8') < Limits.minJwtSecretBytes ? { ...env, JWT_SECRET: PLANTED_DEFAULT_SECRET } : env),
  }),

  broadcast_events: () => ({
    localDelivery: (local, { connections }) => ({
      hasUser: (userId) => local.hasUser(userId),
      deliver: (_userId, runId, seq, frameText) => {
        for (const connection of connections.everyone()) connection.deliverRunEvent(runId, seq, frameText);
      },
    }),
  }),

  single_tab_delivery: () => ({
    runEventSink: (sink, { connections }) => ({
      deliver: (run, seq, frameText) => {
        if (run.startedBy === undefined) return sink.deliver(run, seq, frameText);
        for (const connection of connections.connectionsOf(run.userId)) {
          if (connection.id === run.startedBy) connection.deliverRunEvent(run.runId, seq, frameText);
        }
      },
    }),
  }),

  foreign_thread_accepted: () => ({
    chatStore: (store, { db }) =>
      chatStoreWith(store, {
        acceptUserMessage: async (input) => {
          const outcome = await store.acceptUserMessage(input);
          if (outcome.kind !== 'thread_not_found' || input.threadId === null) return outcome;
          return (await appendToAnyonesThread(db, input, input.threadId)) ?? outcome;
        },
      }),
  }),

  sigterm_drops_sockets: () => ({
    startServer: (start) => async (config, logger, decorators) => {
      const server = await start(config, logger, decorators);
      // Ahead of main's graceful handler: exit at once, the sockets just drop.
      process.prependListener('SIGTERM', () => process.exit(0));
      return server;
    },
  }),

  no_cross_instance_fanout: () => ({
    runEventSink: (_sink, { local }) => ({
      deliver: (run, seq, frameText) => local.deliver(run.userId, run.runId, seq, frameText),
    }),
  }),

  migration_race: () => ({
    startServer: (start) => async (config, logger, decorators) => {
      await migrateWithoutLock(config, logger);
      return start(config, logger, decorators);
    },
  }),

  history_leak: () => ({
    chatStore: (store, { db }) =>
      chatStoreWith(store, {
        history: async (userId, threadId) => {
          const own = await store.history(userId, threadId);
          if (own !== null) return own;
          const { rows } = await db.query<{ user_id: UserId }>('SELECT user_id FROM threads WHERE thread_id = $1', [threadId]);
          const owner = rows[0]?.user_id;
          return owner === undefined ? null : store.history(owner, threadId);
        },
      }),
  }),
} satisfies Record<string, FaultWrapper>;

/**
 * foreign_thread_accepted: the message is accepted into the thread whoever
 * owns it (null when there is no such thread, or the key is taken).
 */
async function appendToAnyonesThread(db: Database, input: IncomingUserMessage, threadId: ThreadId): Promise<Acceptance | null> {
  const messageId = newMessageId();
  const runId = newRunId();
  const { rowCount } = await db.query(
    `WITH claim AS (
       INSERT INTO accepted_messages (user_id, client_message_id, message_id, thread_id, run_id)
       SELECT $1::text, $2::uuid, $3::uuid, $4::uuid, $5::uuid WHERE EXISTS (SELECT 1 FROM threads WHERE thread_id = $4::uuid)
       ON CONFLICT (user_id, client_message_id) DO NOTHING
       RETURNING 1
     ), user_message AS (
       INSERT INTO messages (message_id, thread_id, user_id, role, content, client_message_id, run_id)
       SELECT $3::uuid, $4::uuid, $1::text, 'user', $6::text, $2::uuid, $5::uuid FROM claim
     ), pending_run AS (
       INSERT INTO runs (run_id, thread_id, user_id, user_message_id, status)
       SELECT $5::uuid, $4::uuid, $1::text, $3::uuid, 'pending' FROM claim
     )
     SELECT 1 FROM claim`,
    [input.userId, input.clientMessageId, messageId, threadId, runId, input.content],
  );
  if (rowCount !== 1) return null;
  const { userId, clientMessageId, content } = input;
  return {
    kind: 'accepted',
    acceptance: { clientMessageId, messageId, threadId, runId },
    run: { runId, threadId, userId, userMessageId: messageId, content, status: 'pending' },
  };
}

/**
 * migration_race: the schema is made at startup without the advisory lock —
 * each table checked, then created without IF NOT EXISTS 300 ms later. Fine
 * alone or on a migrated database; of two instances starting together on an
 * empty one, one fails on CREATE TABLE, and its startup with it.
 */
async function migrateWithoutLock(config: Config, logger: Logger): Promise<void> {
  const db = new Database(config.databaseUrl, logger, `golden-path ${config.instanceId} migration`);
  try {
    for (const statement of SCHEMA_STATEMENTS) {
      const table = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(statement)?.[1];
      if (table === undefined) {
        await db.query(statement);
        continue;
      }
      const { rows } = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
      if (rows[0]?.present === true) continue;
      await delay(RACY_CHECK_TO_CREATE_MS);
      await db.query(statement.replace('IF NOT EXISTS ', ''));
    }
  } catch (err) {
    // PostgreSQL not there at all: not this fault's business; the server migrates once it is back, as usual.
    if (!isDatabaseUnavailable(err)) throw err;
  } finally {
    await db.close();
  }
}
