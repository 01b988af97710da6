import type { WebSocket } from 'ws';
import { CloseCode, ErrorCode, Limits, type Dependency } from '../../../protocol/constants';
import { newConnectionId, type ConnectionId, type RunId, type UserId } from '../domain/ids';
import { connectionEstablishedFrame, errorFrame } from '../frames/server-frames';
import { describeError, type Logger } from '../logger';
import { runAt } from '../util/timing';
import type { ConnectionPolicy, FrameIntake } from './connection-policy';
import type { FrameSession, RunEventHold, TextFrameHandler } from './frame-handling';
import type { LocalConnection } from './local-connections';
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
      closeInTurn: (code, reason) => this.queue.push(() => this.close(code, reason)),
      closeNow: (code, reason) => this.close(code, reason),
    };
  }

  /** Queue a text frame, unless it is over the rate limit (which applies once established). */
  private accept(text: string): void {
    if (this.established) {
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

  send(frameText: string): void {
    if (!this.isOpen()) return;
    this.ws.send(frameText, (err) => {
      if (err) this.deps.logger.warn(`send on ${this.id} failed: ${describeError(err)}`);
    });
  }

  deliverRunEvent(runId: RunId, seq: number, frameText: string, ending = false): void {
    const held = this.holds.get(runId);
    if (held !== undefined) held.push({ seq, frameText, ending });
    else this.sendRunEvent(runId, seq, frameText, ending);
  }

  holdRunEvents(runId: RunId): RunEventHold {
    const held: { seq: number; frameText: string; ending: boolean }[] = [];
    this.holds.set(runId, held);
    return {
      release: (deliveredUpTo) => {
        if (this.holds.get(runId) === held) this.holds.delete(runId);
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
  private sendRunEvent(runId: RunId, seq: number, frameText: string, ending: boolean): void {
    const sent = this.runsSent.get(runId);
    if (ending && sent !== undefined && (sent.completed || seq <= sent.upTo)) return;
    this.noteSent(runId, seq, frameText.startsWith('{"type":"agent_completed"'));
    this.send(frameText);
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
    this.deps.lifecycle.closed(this);
    this.resolveClosed();
  }
}
