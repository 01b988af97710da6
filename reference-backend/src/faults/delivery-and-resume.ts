import { ErrorCode } from '../../../protocol/constants';
import type { ConnectionId, RunId } from '../domain/ids';
import { errorFrame } from '../frames/server-frames';
import type { FrameSession } from '../connection/frame-handling';
import { errorCodeOf } from './frame-text';
import { lifecycleWith, runEventsWith, runStoreWith, sessionWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/**
 * Faults of the area agent_events that break how a run reaches its user's
 * connections (protocol §5): runs outliving their socket, delivery to every
 * tab, and resume.
 */

/** A run of this instance is ended when a frame of this type goes out. */
const isCompletion = (frameText: string): boolean => frameText.includes('"type":"agent_completed"');

export const DELIVERY_AND_RESUME_FAULTS = {
  run_dies_with_socket: () => {
    const gone = new Set<ConnectionId>();
    return {
      // The run is tied to the connection that asked: once it closes, the run's next step fails and the run ends in error.
      connectionLifecycle: (lifecycle) =>
        lifecycleWith(lifecycle, {
          closed: (connection) => {
            gone.add(connection.id);
            lifecycle.closed(connection);
          },
        }),
      runEvents: (events, { run }) =>
        runEventsWith(events, {
          emit: (type, data) =>
            run.startedBy !== undefined && gone.has(run.startedBy) ? Promise.reject(new Error('the connection that asked for the run is gone')) : events.emit(type, data),
        }),
    };
  },

  own_publications_redelivered: () => ({
    // The instance does not recognise its own publications on Redis: each event reaches its local tabs
    // directly and then again as it comes back from the bus (the echo follows on the next turn of the loop).
    runEventSink: (sink, { local }) => ({
      deliver: (run, seq, frameText) => {
        sink.deliver(run, seq, frameText);
        setImmediate(() => local.deliver(run.userId, run.runId, seq, frameText));
      },
    }),
  }),

  replay_from_after_seq: () => ({
    // `seq >= after_seq` instead of `seq > after_seq`: the replay repeats the event the client already has.
    runStore: (store) => runStoreWith(store, { eventsAfter: (runId, afterSeq) => store.eventsAfter(runId, Math.max(0, afterSeq - 1)) }),
  }),

  replay_restamped: () => ({
    // The replay rebuilds each frame from storage with the time of the replay as its timestamp.
    runStore: (store) =>
      runStoreWith(store, {
        eventsAfter: async (runId, afterSeq) => {
          const events = await store.eventsAfter(runId, afterSeq);
          const now = new Date().toISOString();
          return events.map((event) => ({ ...event, frameText: event.frameText.replace(/"timestamp":"[^"]*"/, `"timestamp":"${now}"`) }));
        },
      }),
  }),

  resume_subscribes_again: () => {
    // A resume subscribes its connection to the run's live events, on top of the delivery every tab of the user
    // already gets: after the replay, each live event arrives twice.
    const resumedBy = new Map<RunId, Set<FrameSession>>();
    return {
      chatFrameHandler: (handler) => ({
        handle: async (session, frame) => {
          if (frame.type !== 'resume') return handler.handle(session, frame);
          let refused = false;
          const watching = sessionWith(session, {
            send: (frameText) => {
              if (errorCodeOf(frameText) !== undefined) refused = true;
              session.send(frameText);
            },
          });
          await handler.handle(watching, frame);
          if (refused) return;
          const runId = frame.runId as RunId;
          const sessions = resumedBy.get(runId) ?? new Set();
          sessions.add(session);
          resumedBy.set(runId, sessions);
        },
      }),
      localDelivery: (local) => ({
        hasUser: (userId) => local.hasUser(userId),
        deliver: (userId, runId, seq, frameText) => {
          local.deliver(userId, runId, seq, frameText);
          for (const session of resumedBy.get(runId) ?? []) session.send(frameText);
          if (isCompletion(frameText)) resumedBy.delete(runId);
        },
      }),
    };
  },

  empty_replay_not_found: () => ({
    // A replay that finds no events is taken for a run that does not exist.
    chatFrameHandler: (handler) => ({
      handle: async (session, frame) => {
        if (frame.type !== 'resume') return handler.handle(session, frame);
        let answered = false;
        await handler.handle(
          sessionWith(session, {
            send: (frameText) => {
              answered = true;
              session.send(frameText);
            },
          }),
          frame,
        );
        if (!answered) session.send(errorFrame(ErrorCode.NOT_FOUND, 'run not found', { runId: frame.runId }));
      },
    }),
  }),

  resume_unknown_run_silent: () => ({
    // The ownership check asks "does the run belong to someone else?": a run that does not exist passes it,
    // and its (empty) replay answers nothing.
    runStore: (store, { db }) =>
      runStoreWith(store, {
        isOwnedBy: async (runId, userId) => (await db.query('SELECT 1 FROM runs WHERE run_id = $1 AND user_id <> $2', [runId, userId])).rowCount === 0,
      }),
  }),

  tabs_fixed_at_run_start: () => {
    // Who receives a run is decided once, at its first event here: a tab opened later gets nothing of it live.
    const audience = new Map<RunId, Set<ConnectionId>>();
    return {
      localDelivery: (local, { connections }) => ({
        hasUser: (userId) => local.hasUser(userId),
        deliver: (userId, runId, seq, frameText) => {
          let tabs = audience.get(runId);
          if (tabs === undefined) {
            tabs = new Set([...connections.connectionsOf(userId)].map((connection) => connection.id));
            audience.set(runId, tabs);
          }
          for (const connection of connections.connectionsOf(userId)) {
            if (tabs.has(connection.id)) connection.deliverRunEvent(runId, seq, frameText);
          }
          if (isCompletion(frameText)) audience.delete(runId);
        },
      }),
    };
  },

  fanout_awaits_each_socket: () => {
    // One delivery loop for the instance: each event is sent to each tab in turn, waiting until the tab's socket
    // has taken it before the next — so a tab that stops reading holds up every delivery behind it.
    let turn: Promise<void> = Promise.resolve();
    return {
      localDelivery: (local, { connections }) => ({
        hasUser: (userId) => local.hasUser(userId),
        deliver: (userId, runId, seq, frameText) => {
          turn = turn.then(async () => {
            for (const connection of [...connections.connectionsOf(userId)]) {
              await new Promise<void>((written) => connection.deliverRunEvent(runId, seq, frameText, { onWritten: () => written() }));
            }
          });
        },
      }),
    };
  },
} satisfies Record<string, FaultWrapper>;
