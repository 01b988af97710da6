import { createHash } from 'node:crypto';
import { ErrorCode, Limits } from '../../../protocol/constants';
import type { RateLimiter } from '../connection/rate-limiter';
import { SlidingWindowRateLimiter } from '../connection/rate-limiter';
import type { ClientFrameReader, FrameReading } from '../frames/client-frames';
import { pongFrame } from '../frames/server-frames';
import { PostgresChatStore } from '../storage/chat-store';
import type { Database } from '../storage/database';
import { readStoredText } from '../storage/stored-text';
import { delay } from '../util/timing';
import { policyWith, runStoreWith, sessionWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';
import { errorCodeOf, jsonValue } from './frame-text';

/** Faults of the frames themselves and of the rate limit (protocol §4, §8), in the area hostile_input. */

type FrameObject = Record<string, unknown>;

/** A server frame's text with `change` applied to its JSON object (a text that is not one is left as it is). */
function rewritten(frameText: string, change: (frame: FrameObject) => FrameObject): string {
  const value = jsonValue(frameText);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return frameText;
  return JSON.stringify(change(value as FrameObject));
}

/** A reader whose readings are changed by `change`. */
function readingsChanged(reader: ClientFrameReader, change: (reading: FrameReading) => FrameReading): ClientFrameReader {
  return { read: (text) => change(reader.read(text)) };
}

/** ack_before_commit: how long the accepting transaction stays open after its statement ran. */
const COMMIT_DELAY_MS = 400;

/**
 * ack_before_commit: a database whose accepting statement (the one that
 * claims the idempotency key) runs in a transaction committed a little later
 * — its result comes back at once, so message_accepted goes out before the
 * commit. `pending` holds the commits still to come.
 */
function committingLater(db: Database, pending: Set<Promise<unknown>>): Database {
  const deferred = Object.create(db) as Database;
  deferred.query = ((text: string, values?: unknown[]) => {
    if (!text.includes('INSERT INTO accepted_messages')) return db.query(text, values);
    return new Promise((resolve, reject) => {
      const commit = db.transaction(async (tx) => {
        resolve(await tx.query(text, values));
        await delay(COMMIT_DELAY_MS);
      });
      pending.add(commit);
      commit.catch(reject).finally(() => pending.delete(commit));
    });
  });
  return deferred;
}

/**
 * nul_internal: a database whose accepting statement gets the content as it
 * is, never encoded (stored-text.ts): PostgreSQL refuses U+0000 in text, and
 * the question is answered INTERNAL.
 */
function storingContentAsIs(db: Database): Database {
  const raw = Object.create(db) as Database;
  raw.query = ((text: string, values?: unknown[]) => {
    if (!text.includes('INSERT INTO accepted_messages') || values?.[7] !== 'json') return db.query(text, values);
    return db.query(text, [...values.slice(0, 6), readStoredText(String(values[6]), 'json'), 'plain']);
  });
  return raw;
}

/** retry_after_too_short: the wait computed in milliseconds, then sent as seconds in the _ms field. */
function retryInSeconds(limiter: RateLimiter): RateLimiter {
  return {
    tryAcquire: () => {
      const decision = limiter.tryAcquire();
      return decision.allowed ? decision : { allowed: false, retryAfterMs: Math.ceil(decision.retryAfterMs / 1000) };
    },
  };
}

/** slow_pong: how long a ping waits for its pong (over the local reply target of 2 s, well within the suite's patience). */
const SLOW_PONG_MS = 2_500;

/** slow_refusals: one audit-log write, for every refused frame, one at a time. */
const AUDIT_WRITE_MS = 14;

/** slow_refusals: a log whose writes take turns, each AUDIT_WRITE_MS long. */
function serialAuditLog(): () => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return () => (tail = tail.then(() => delay(AUDIT_WRITE_MS)));
}

/** extra_frames_and_fields: a frame type no protocol defines, sent after every EXTRA_FRAME_EVERY-th frame. */
const EXTRA_FRAME_EVERY = 5;

/**
 * extra_frames_and_fields: the frame with fields no protocol defines, at the
 * top and in `data` — derived from the frame itself, so that a replayed event
 * is still the same JSON value as its live copy.
 */
function withUnknownFields(frameText: string): string {
  const trace = createHash('sha256').update(frameText).digest('hex').slice(0, 16);
  return rewritten(frameText, (frame) => ({
    ...frame,
    x_trace_id: trace,
    x_server: { name: 'golden-path-reference', build: 'debug' },
    data: typeof frame.data === 'object' && frame.data !== null && !Array.isArray(frame.data) ? { ...frame.data, x_debug: { trace, note: 'clients ignore unknown fields' } } : frame.data,
  }));
}

export const FRAME_FAULTS = {
  // `Date.now()` in the envelope instead of an RFC 3339 string.
  // Tolerated, not caught: the suite itself must ignore unknown fields and frame types (GP-4.3).
  extra_frames_and_fields: () => {
    let sent = 0;
    return {
      outgoingFrames: (outgoing) => ({
        textsFor: (frameText) =>
          outgoing.textsFor(frameText).flatMap((text) => {
            sent += 1;
            const extra = sent % EXTRA_FRAME_EVERY === 0 ? [JSON.stringify({ type: 'server_notice', timestamp: new Date().toISOString(), data: { notice: 'a frame type this client does not know', n: sent } })] : [];
            return [withUnknownFields(text), ...extra];
          }),
      }),
    };
  },

  timestamp_epoch_ms: () => ({
    outgoingFrames: (outgoing) => ({
      textsFor: (frameText) => outgoing.textsFor(frameText).map((text) => rewritten(text, (frame) => ({ ...frame, timestamp: Date.parse(String(frame.timestamp)) }))),
    }),
  }),

  seq_on_every_frame: () => {
    let counter = 0; // one envelope counter for every frame that is not a run event
    return {
      outgoingFrames: (outgoing) => ({
        textsFor: (frameText) => outgoing.textsFor(frameText).map((text) => rewritten(text, (frame) => ('run_id' in frame && 'seq' in frame ? frame : { ...frame, seq: (counter += 1) }))),
      }),
    };
  },

  // `content.length` counts UTF-16 units: an astral character counts twice.
  content_limit_utf16: () => ({
    clientFrameReader: (reader) =>
      readingsChanged(reader, (reading) =>
        reading.ok && reading.frame.type === 'user_message' && reading.frame.content.length > Limits.maxContentCodePoints
          ? { ok: false, rejection: { code: ErrorCode.INVALID_MESSAGE, message: `/data/content must NOT have more than ${Limits.maxContentCodePoints} characters`, clientMessageId: reading.frame.clientMessageId } }
          : reading,
      ),
  }),

  thread_id_ignored: () => ({
    clientFrameReader: (reader) =>
      readingsChanged(reader, (reading) => {
        if (!reading.ok || reading.frame.type !== 'user_message') return reading;
        const { type, content, clientMessageId } = reading.frame;
        return { ok: true, frame: { type, content, clientMessageId } };
      }),
  }),

  // The nonce is typed as a string and coerced.
  pong_nonce_stringified: () => ({
    chatFrameHandler: (handler) => ({
      handle: async (session, frame) => {
        if (frame.type !== 'ping') return handler.handle(session, frame);
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the planted bug: an object nonce comes back as "[object Object]"
        session.send(pongFrame(frame.nonce === undefined ? undefined : String(frame.nonce)));
      },
    }),
  }),

  ack_before_commit: () => {
    const pending = new Set<Promise<unknown>>();
    return {
      chatStore: (_store, { db }) => new PostgresChatStore(committingLater(db, pending)),
      // The run itself waits for the commit, so that only the acknowledgement is early.
      runStore: (store) =>
        runStoreWith(store, {
          claimRun: async (runId, instanceId) => {
            await Promise.allSettled([...pending]);
            return store.claimRun(runId, instanceId);
          },
        }),
    };
  },

  nul_internal: () => ({ chatStore: (_store, { db }) => new PostgresChatStore(storingContentAsIs(db)) }),

  error_without_ids: () => ({
    clientFrameReader: (reader) =>
      readingsChanged(reader, (reading) => (reading.ok ? reading : { ok: false, rejection: { code: reading.rejection.code, message: reading.rejection.message } })),
  }),

  error_without_run_id: () => ({
    outgoingFrames: (outgoing) => ({
      textsFor: (frameText) =>
        outgoing.textsFor(frameText).map((text) =>
          rewritten(text, (frame) => {
            if (frame.type !== 'error' || typeof frame.data !== 'object' || frame.data === null) return frame;
            const data = { ...(frame.data as Record<string, unknown>) };
            delete data.run_id;
            return { ...frame, data };
          }),
        ),
    }),
  }),

  unknown_type_invalid: () => ({
    clientFrameReader: (reader) =>
      readingsChanged(reader, (reading) =>
        !reading.ok && reading.rejection.code === ErrorCode.UNSUPPORTED_TYPE ? { ok: false, rejection: { ...reading.rejection, code: ErrorCode.INVALID_MESSAGE } } : reading,
      ),
  }),

  slow_pong: () => ({
    chatFrameHandler: (handler) => ({
      handle: async (session, frame) => {
        if (frame.type === 'ping') await delay(SLOW_PONG_MS);
        return handler.handle(session, frame);
      },
    }),
  }),

  // Every refused frame is written to an audit log before it is answered.
  slow_refusals: () => {
    const audit = serialAuditLog();
    return {
      textFrameHandler: (handler) => ({
        handleText: async (session, text) => {
          const refusals: string[] = [];
          const code = (frameText: string): string | undefined => errorCodeOf(frameText);
          await handler.handleText(sessionWith(session, {
            send: (frameText) => (code(frameText) === ErrorCode.INVALID_MESSAGE || code(frameText) === ErrorCode.UNSUPPORTED_TYPE ? void refusals.push(frameText) : session.send(frameText)),
          }), text);
          for (const refusal of refusals) {
            await audit();
            session.send(refusal);
          }
        },
      }),
    };
  },

  retry_after_too_short: () => ({
    connectionPolicy: (policy) => policyWith(policy, { rateLimiter: () => retryInSeconds(policy.rateLimiter()) }),
  }),

  // `>=` where `>` was meant: the 20th frame of a second is already refused.
  limit_off_by_one: () => ({
    connectionPolicy: (policy) => policyWith(policy, { rateLimiter: () => new SlidingWindowRateLimiter(Limits.rateLimitFrames - 1, Limits.rateWindowMs) }),
  }),
} satisfies Record<string, FaultWrapper>;
