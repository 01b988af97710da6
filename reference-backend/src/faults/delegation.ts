import type { ConnectionLifecycle } from '../connection/client-connection';
import type { ConnectionPolicy } from '../connection/connection-policy';
import type { FrameSession } from '../connection/frame-handling';
import type { RunEventEncoder } from '../runs/run-event-encoder';
import type { RunEvents } from '../runs/run-events';
import type { ChatStore } from '../storage/chat-store';
import type { RunStore } from '../storage/run-store';
import type { LeaseStore } from '../storage/lease-store';

/**
 * Wrappers that change one or two methods of a component and pass the rest
 * on. Written out member by member: the components are class instances, whose
 * methods an object spread would not copy.
 */

export function sessionWith(session: FrameSession, changes: Partial<Pick<FrameSession, 'send' | 'user'>>): FrameSession {
  return {
    id: session.id,
    user: changes.user ?? session.user,
    send: changes.send ?? ((frameText) => session.send(frameText)),
    holdRunEvents: (runId) => session.holdRunEvents(runId),
    close: (code, reason) => session.close(code, reason),
  };
}

export function runEventsWith(events: RunEvents, changes: Partial<Pick<RunEvents, 'emit' | 'emitFinal' | 'complete'>>): RunEvents {
  return {
    get lastSeq() {
      return events.lastSeq;
    },
    get persistenceFailure() {
      return events.persistenceFailure;
    },
    get unstored() {
      return events.unstored;
    },
    emit: changes.emit ?? ((type, data) => events.emit(type, data)),
    emitFinal: changes.emitFinal ?? ((type, data) => events.emitFinal(type, data)),
    complete: changes.complete ?? ((data, answer) => events.complete(data, answer)),
    flush: () => events.flush(),
  };
}

export function encoderWith(encoder: RunEventEncoder, changes: Pick<RunEventEncoder, 'encode'>): RunEventEncoder {
  return {
    get lastSeq() {
      return encoder.lastSeq;
    },
    encode: changes.encode,
    continueFrom: (seq) => encoder.continueFrom(seq),
  };
}

export function chatStoreWith(store: ChatStore, changes: Partial<Pick<ChatStore, 'acceptUserMessage' | 'history'>>): ChatStore {
  return {
    acceptUserMessage: changes.acceptUserMessage ?? ((input) => store.acceptUserMessage(input)),
    history: changes.history ?? ((userId, threadId) => store.history(userId, threadId)),
    earlierUserMessages: (userId, excludingRunId, limit) => store.earlierUserMessages(userId, excludingRunId, limit),
  };
}

export function runStoreWith(store: RunStore, changes: Partial<RunStore>): RunStore {
  return {
    appendEvents: changes.appendEvents ?? ((runId, events, answer) => store.appendEvents(runId, events, answer)),
    claimRun: changes.claimRun ?? ((runId, owner) => store.claimRun(runId, owner)),
    recordFailure: changes.recordFailure ?? ((runId, errorCode, unstored) => store.recordFailure(runId, errorCode, unstored)),
    isOwnedBy: changes.isOwnedBy ?? ((runId, userId) => store.isOwnedBy(runId, userId)),
    eventsAfter: changes.eventsAfter ?? ((runId, afterSeq) => store.eventsAfter(runId, afterSeq)),
  };
}

export function policyWith(policy: ConnectionPolicy, changes: Partial<ConnectionPolicy>): ConnectionPolicy {
  return {
    maxMessageBytes: changes.maxMessageBytes ?? policy.maxMessageBytes,
    maxBufferedBytes: changes.maxBufferedBytes ?? policy.maxBufferedBytes,
    onArrival: changes.onArrival ?? ((frame, intake) => policy.onArrival(frame, intake)),
    rateLimiter: changes.rateLimiter ?? (() => policy.rateLimiter()),
    countsTowardRateLimit: changes.countsTowardRateLimit ?? ((established) => policy.countsTowardRateLimit(established)),
    sessionEndsAt: changes.sessionEndsAt ?? ((user) => policy.sessionEndsAt(user)),
  };
}

export function lifecycleWith(lifecycle: ConnectionLifecycle, changes: Partial<ConnectionLifecycle>): ConnectionLifecycle {
  return {
    opened: changes.opened ?? ((connection) => lifecycle.opened(connection)),
    prepare: changes.prepare ?? ((connection) => lifecycle.prepare(connection)),
    established: changes.established ?? ((connection) => lifecycle.established(connection)),
    closed: changes.closed ?? ((connection) => lifecycle.closed(connection)),
  };
}

export function leaseStoreWith(store: LeaseStore, changes: Partial<LeaseStore>): LeaseStore {
  return {
    renew: changes.renew ?? ((owner) => store.renew(owner)),
    release: changes.release ?? ((owner) => store.release(owner)),
    quietInstances: changes.quietInstances ?? ((owner) => store.quietInstances(owner)),
    orphanedRuns: changes.orphanedRuns ?? ((owner, limit, presumedDead) => store.orphanedRuns(owner, limit, presumedDead)),
    endOrphanedRun: changes.endOrphanedRun ?? ((runId, owner, presumedDead, ending) => store.endOrphanedRun(runId, owner, presumedDead, ending)),
  };
}
