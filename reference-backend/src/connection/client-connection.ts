import type { WebSocket } from 'ws';
import { CloseCode, ErrorCode, Limits, type Dependency } from '../../../protocol/constants';
import { newConnectionId, type ConnectionId, type RunId, type UserId } from '../domain/ids';
import { connectionEstablishedFrame, errorFrame } from '../frames/server-frames';
import { describeError, type Logger } from '../logger';
import { runAt } from '../util/timing';
import type { ConnectionPolicy, FrameIntake } from './connection-policy';
import type { FrameSession, RunEventHold, TextFrameHandler } from './frame-handling';
import type { LocalConnection, RunEventDelivery } from './local-connections';
import type { OutgoingFrames } from './outgoing-frames';
import type { RateLimiter } from './rate-limiter';
import { SerialQueue } from './serial-queue';
import type { UserContext } from './user-context';

/** Hooks into the rest of the server around a connection's life. */
export interface ConnectionLifecycle {
  /** The socket was upgraded; listeners are attached. */
  opened(connection: ClientConnection): void;
  /** Async per-connection setup; resolves with the dependencies down right now. */
  prepare(connection: ClientConnection): Promise<Dependency[]>;
  /** `connection_established` was sent: start delivering run events. */
  established(connection: ClientConnection): void;
  closed(connection: ClientConnection): void;
}

export interface ClientConnectionDeps {
  readonly textHandler: TextFrameHandler;
  readonly lifecycle: ConnectionLifecycle;
  readonly policy: ConnectionPolicy;
  readonly outgoing: OutgoingFrames;
  readonly logger: Logger;
}

/**
 * One WebSocket connection after the upgrade. Frames are processed strictly
 * in order through a serial queue. The queue starts with the setup task, so
 * frames received before `connection_established` wait behind it (and are not
 * rate limited). Run events are sent as they come, except for a run being
 * resumed, whose live events are held until the replay is done.
 */
export class ClientConnection implements LocalConnection, FrameSession {
  readonly id: ConnectionId = newConnectionId();
  private readonly queue: SerialQueue;
  private readonly limiter: RateLimiter;
  private readonly holds = new Map<RunId, { seq: number; frameText: string; ending: boolean }[]>();
  /** Per resumed run, the last seq its replay sent: live copies of those are not sent again (protocol §5: after the replay, each event once). */
  private readonly replayedUpTo = new Map<RunId, number>();
  /** Per run: the highest seq sent on this connection (replayed or live), and whether its agent_completed was. */
  private readonly runsSent = new Map<RunId, { upTo: number; completed: boolean }>();
  private established = false;
  private cancelExpiry: () => void = () => undefined;
  private readonly closedSignal: Promise<void>;
  private resolveClosed: () => void = () => undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly user: UserContext,
    private readonly deps: ClientConnectionDeps,
  ) {
    this.queue = new SerialQueue((err) => this.deps.logger.error('connection task failed', err));
    this.limiter = deps.policy.rateLimiter();
    this.closedSignal = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get userId(): UserId {
    return this.user.userId;
  }

  /** Attach listeners (synchronously, right after the upgrade) and begin setup. */
  start(): void {
    const { policy, lifecycle } = this.deps;
    const intake = this.intake();
    this.ws.on('message', (data, isBinary) => policy.onArrival({ data, isBinary }, intake));
    // Protocol errors (too big → 1009, bad UTF-8 → 1007) are answered by ws with a close frame.
    this.ws.on('error', (err) => this.deps.logger.warn(`websocket ${this.id}: ${describeError(err)}`));
    this.ws.on('close', () => this.onClose());
    const endsAt = policy.sessionEndsAt(this.user);
    if (endsAt !== null) this.cancelExpiry = runAt(endsAt, () => this.close(CloseCode.PolicyViolation, 'token expired'));
    lifecycle.opened(this);
    this.queue.push(() => this.establish());
  }

  /** Sent as soon as the connection is ready; frames that arrived meanwhile are queued behind this task. */
  private async establish(): Promise<void> {
    const degraded = await this.deps.lifecycle.prepare(this);
    if (!this.isOpen()) return;
    this.send(connectionEstablishedFrame(this.id, this.user.userId, degraded));
    this.established = true;
    this.deps.lifecycle.established(this);
  }

  /** What the arrival policy may do with this connection. */
  private intake(): FrameIntake {
    return {
      isEstablished: () => this.established,
      process: (text) => this.accept(text),
      processUnqueued: (text) => void this.process(text).catch((err: unknown) => this.deps.logger.error('connection task failed', err)),
      closeInTurn: (code, reason) => this.queue.push(() => this.close(code, reason)),
      closeNow: (code, reason) => this.close(code, reason),
    };
  }

  /** Queue a text frame, unless it is over the rate limit (which applies once established). */
  private accept(text: string): void {
    if (this.deps.policy.countsTowardRateLimit(this.established)) {
      const decision = this.limiter.tryAcquire();
      if (!decision.allowed) {
        const message = `more than ${Limits.rateLimitFrames} frames in ${Limits.rateWindowMs} ms`;
        this.queue.push(() => this.send(errorFrame(ErrorCode.RATE_LIMITED, message, { retryAfterMs: decision.retryAfterMs })));
        return;
      }
    }
    this.queue.push(() => this.process(text));
  }

  private async process(text: string): Promise<void> {
    if (!this.isOpen()) return;
    await this.deps.textHandler.handleText(this, text);
  }

  /**
   * Sends without waiting on the client. A client that stopped reading gets
   * its frames buffered up to the policy's bound; beyond it, it is closed
   * with 1008 (policy violation) and gets nothing more here.
   */
  send(frameText: string, onWritten?: (error?: Error) => void): void {
    if (!this.isOpen()) return onWritten?.();
    const buffered = this.ws.bufferedAmount;
    if (buffered > this.deps.policy.maxBufferedBytes) {
      this.deps.logger.warn(`connection ${this.id} of ${this.userId} does not read (${buffered} bytes waiting): closing it`);
      this.close(CloseCode.PolicyViolation, 'too slow: the client is not reading what it is sent');
      return onWritten?.();
    }
    const texts = this.deps.outgoing.textsFor(frameText);
    texts.forEach((text, index) => {
      this.ws.send(text, (err) => {
        if (err) this.deps.logger.warn(`send on ${this.id} failed: ${describeError(err)}`);
        if (index === texts.length - 1) onWritten?.(err ?? undefined);
      });
    });
    if (texts.length === 0) onWritten?.();
  }

  deliverRunEvent(runId: RunId, seq: number, frameText: string, options: RunEventDelivery = {}): void {
    const held = this.holds.get(runId);
    if (held !== undefined) held.push({ seq, frameText, ending: options.ending === true });
    else if (seq > (this.replayedUpTo.get(runId) ?? 0)) return this.sendRunEvent(runId, seq, frameText, options.ending === true, options.onWritten);
    options.onWritten?.();
  }

  holdRunEvents(runId: RunId): RunEventHold {
    const held: { seq: number; frameText: string; ending: boolean }[] = [];
    this.holds.set(runId, held);
    return {
      release: (deliveredUpTo) => {
        if (this.holds.get(runId) === held) this.holds.delete(runId);
        // An event can be stored (and so replayed) a moment before it is delivered live: it must not come again.
        this.replayedUpTo.set(runId, Math.max(deliveredUpTo, this.replayedUpTo.get(runId) ?? 0));
        this.noteSent(runId, deliveredUpTo, false);
        for (const event of held) if (event.seq > deliveredUpTo) this.sendRunEvent(runId, event.seq, event.frameText, event.ending);
      },
    };
  }

  /**
   * A run event, live or released after a replay. The ending of a dead
   * instance's run comes with the run's stored events before it: of those,
   * only what this connection has not had goes out, and nothing after an
   * agent_completed it had.
   */
  private sendRunEvent(runId: RunId, seq: number, frameText: string, ending: boolean, onWritten?: (error?: Error) => void): void {
    const sent = this.runsSent.get(runId);
    if (ending && sent !== undefined && (sent.completed || seq <= sent.upTo)) return onWritten?.();
    this.noteSent(runId, seq, frameText.startsWith('{"type":"agent_completed"'));
    this.send(frameText, onWritten);
  }

  private noteSent(runId: RunId, upTo: number, completed: boolean): void {
    const sent = this.runsSent.get(runId) ?? { upTo: 0, completed: false };
    this.runsSent.set(runId, { upTo: Math.max(sent.upTo, upTo), completed: sent.completed || completed });
  }

  close(code: CloseCode, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  /** Drop the TCP connection (only after a close frame went out and the peer did not answer). */
  terminate(): void {
    this.ws.terminate();
  }

  closed(): Promise<void> {
    return this.closedSignal;
  }

  private isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  private onClose(): void {
    this.cancelExpiry();
    this.holds.clear();
    this.replayedUpTo.clear();
    this.deps.lifecycle.closed(this);
    this.resolveClosed();
  }
}
