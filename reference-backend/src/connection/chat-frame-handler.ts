import { ErrorCode, Permission } from '../../../protocol/constants';
import { parseRunId, parseThreadId, type ConnectionId, type ThreadId } from '../domain/ids';
import type { PingFrame, ResumeFrame, UserMessageFrame, ClientFrame } from '../frames/client-frames';
import { errorFrame, messageAcceptedFrame, pongFrame } from '../frames/server-frames';
import type { DependencyStatusView } from '../health/dependency-monitor';
import type { Acceptance, ChatStore, IncomingUserMessage, RunTicket } from '../storage/chat-store';
import { isDatabaseUnavailable } from '../storage/database';
import type { RunStore } from '../storage/run-store';
import { POSTGRES_UNAVAILABLE, type ChatAvailability } from './chat-availability';
import type { FrameHandler, FrameSession } from './frame-handling';

/** Starts accepted runs (see RunManager). */
export interface RunStarter {
  /** `startedBy`: the connection whose user_message this is. */
  startIfPending(run: RunTicket, startedBy: ConnectionId): void;
}

export interface ChatFrameHandlerDeps {
  readonly chatStore: ChatStore;
  readonly runStore: RunStore;
  readonly runs: RunStarter;
  readonly availability: ChatAvailability;
  readonly dependencies: DependencyStatusView;
  readonly isShuttingDown: () => boolean;
}

/** A failed attempt this quick (a stale pooled connection) is retried once; slower ones are not, to answer within 5 s. */
const QUICK_FAILURE_MS = 1000;

/** The chat protocol's client frames: user_message, resume, ping. */
export class ChatFrameHandler implements FrameHandler {
  constructor(private readonly deps: ChatFrameHandlerDeps) {}

  async handle(session: FrameSession, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'user_message':
        return this.userMessage(session, frame);
      case 'resume':
        return this.resume(session, frame);
      case 'ping':
        return this.ping(session, frame);
    }
  }

  private async userMessage(session: FrameSession, frame: UserMessageFrame): Promise<void> {
    const context = { clientMessageId: frame.clientMessageId };
    if (!session.user.permissions.has(Permission.Write)) {
      return session.send(errorFrame(ErrorCode.FORBIDDEN, 'the token lacks the write permission', context));
    }
    if (this.deps.isShuttingDown()) {
      return session.send(errorFrame(ErrorCode.SERVICE_UNAVAILABLE, 'the server is shutting down; retry on another instance', context));
    }
    let threadId: ThreadId | null = null;
    if (frame.threadId !== undefined) {
      threadId = parseThreadId(frame.threadId);
      if (threadId === null) return session.send(errorFrame(ErrorCode.NOT_FOUND, 'thread not found', context));
    }
    const unavailable = this.deps.availability.unavailableReason();
    if (unavailable !== null) return session.send(errorFrame(ErrorCode.SERVICE_UNAVAILABLE, unavailable, context));

    let outcome: Acceptance;
    try {
      outcome = await this.accept({ userId: session.user.userId, clientMessageId: frame.clientMessageId, content: frame.content, threadId });
    } catch (err) {
      if (isDatabaseUnavailable(err)) return session.send(errorFrame(ErrorCode.SERVICE_UNAVAILABLE, POSTGRES_UNAVAILABLE, context));
      throw err;
    }
    if (outcome.kind === 'thread_not_found') return session.send(errorFrame(ErrorCode.NOT_FOUND, 'thread not found', context));
    session.send(messageAcceptedFrame(outcome.acceptance));
    this.deps.runs.startIfPending(outcome.run, session.id);
  }

  /** Accepting is idempotent, so one quick retry is safe whatever became of the first attempt. */
  private async accept(message: IncomingUserMessage): Promise<Acceptance> {
    const startedAt = Date.now();
    try {
      return await this.deps.chatStore.acceptUserMessage(message);
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() - startedAt > QUICK_FAILURE_MS) throw err;
      return this.deps.chatStore.acceptUserMessage(message);
    }
  }

  private async resume(session: FrameSession, frame: ResumeFrame): Promise<void> {
    const context = { runId: frame.runId };
    const runId = parseRunId(frame.runId);
    if (runId === null) return session.send(errorFrame(ErrorCode.NOT_FOUND, 'run not found', context));
    // Hold this run's live events before reading storage, so none falls between replay and live.
    const hold = session.holdRunEvents(runId);
    let deliveredUpTo = 0;
    try {
      if (!this.deps.dependencies.isUp('postgres')) return session.send(errorFrame(ErrorCode.SERVICE_UNAVAILABLE, POSTGRES_UNAVAILABLE, context));
      if (!(await this.deps.runStore.isOwnedBy(runId, session.user.userId))) {
        return session.send(errorFrame(ErrorCode.NOT_FOUND, 'run not found', context));
      }
      const events = await this.deps.runStore.eventsAfter(runId, frame.afterSeq);
      for (const event of events) session.send(event.frameText);
      deliveredUpTo = Math.max(frame.afterSeq, events[events.length - 1]?.seq ?? 0);
    } catch (err) {
      if (isDatabaseUnavailable(err)) return session.send(errorFrame(ErrorCode.SERVICE_UNAVAILABLE, POSTGRES_UNAVAILABLE, context));
      throw err;
    } finally {
      hold.release(deliveredUpTo);
    }
  }

  private ping(session: FrameSession, frame: PingFrame): void {
    session.send(pongFrame(frame.nonce));
  }
}
