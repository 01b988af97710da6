import type { ServerResponse } from 'node:http';
import { ErrorCode, HttpPath } from '../../../protocol/constants';
import { POSTGRES_UNAVAILABLE } from '../connection/chat-availability';
import type { FrameSession } from '../connection/frame-handling';
import { sendJson } from '../http/responses';
import { lifecycleWith, sessionWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';
import { errorCodeOf } from './frame-text';

/** Faults of the area service_dependencies: PostgreSQL and Redis down or back (protocol §2, §6). */

/** The session as a user_message's handler sees it, with every frame it sends shown to `watch` first; false drops it. */
function watchedSession(session: FrameSession, watch: (frameText: string) => boolean): FrameSession {
  return sessionWith(session, {
    send: (frameText) => {
      if (watch(frameText)) session.send(frameText);
    },
  });
}

export const SERVICE_DEPENDENCY_FAULTS = {
  silent_when_db_down: () => ({
    chatFrameHandler: (handler, { isShuttingDown }) => ({
      handle: (session, frame) => {
        if (frame.type !== 'user_message') return handler.handle(session, frame);
        const silent = watchedSession(session, (text) => isShuttingDown() || errorCodeOf(text) !== ErrorCode.SERVICE_UNAVAILABLE);
        return handler.handle(silent, frame);
      },
    }),
  }),

  no_db_recovery: () => {
    let failedOnce = false; // a user_message was answered SERVICE_UNAVAILABLE; never cleared
    return {
      chatAvailability: (availability) => ({
        unavailableReason: () => (failedOnce ? POSTGRES_UNAVAILABLE : availability.unavailableReason()),
      }),
      chatFrameHandler: (handler) => ({
        handle: (session, frame) => {
          if (frame.type !== 'user_message') return handler.handle(session, frame);
          const watched = watchedSession(session, (text) => {
            if (errorCodeOf(text) === ErrorCode.SERVICE_UNAVAILABLE) failedOnce = true;
            return true;
          });
          return handler.handle(watched, frame);
        },
      }),
    };
  },

  ready_lies: () => ({
    httpApi: (api) => (req, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== HttpPath.readiness || (req.method !== 'GET' && req.method !== 'HEAD')) return api(req, res);
      sendJson(res, 200, { status: 'ready', dependencies: { postgres: 'up', redis: 'up' } });
    },
  }),

  redis_required: () => ({
    chatAvailability: (availability, { dependencies }) => ({
      unavailableReason: () => availability.unavailableReason() ?? (dependencies.isUp('redis') ? null : 'Redis is unavailable; retry later'),
    }),
  }),

  degraded_hidden: () => ({
    connectionLifecycle: (lifecycle) =>
      lifecycleWith(lifecycle, {
        prepare: async (connection) => {
          await lifecycle.prepare(connection);
          return [];
        },
      }),
  }),
} satisfies Record<string, FaultWrapper>;
