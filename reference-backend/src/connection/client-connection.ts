import type { RawData, WebSocket } from 'ws';
import { CloseCode, ErrorCode, Limits, type Dependency } from '../../../protocol/constants';
import { CLOCK_LEEWAY_SECONDS } from '../auth/jwt-verifier';
import { newConnectionId, type ConnectionId, type RunId, type UserId } from '../domain/ids';
import type { Faults } from '../faults';
import { describeError, type Logger } from '../logger';
import { clientFrameReader, type ClientFrame } from '../frames/client-frames';
import { contentLimitLifted, jsonValue } from '../faults/hostile-input';
import { connectionEstablishedFrame, errorFrame, type ErrorContext } from '../frames/server-frames';
import { delay, runAt } from '../util/timing';
import type { LocalConnection } from './local-connections';
import { clientFrameRateLimiter, type SlidingWindowRateLimiter } from './rate-limiter';
import { SerialQueue } from './serial-queue';
import type { UserContext } from './user-context';

/** Only with the planted fault early_frames_dropped: how long connection setup takes. */
const SLOW_SETUP_MS = 150;

/** Held-back live events of one run while a resume replays it. */
export interface RunEventHold {
  /** Stop holding; send held events with seq > deliveredUpTo (the rest were replayed already). */
  release(deliveredUpTo: number): void;
}

/** What frame handlers can do with the connection that sent the frame. */
export interface FrameSession {
  readonly id: ConnectionId;
  readonly user: UserContext;
  send(frameText: string): void;
  holdRunEvents(runId: RunId): RunEventHold;
}

export interface FrameHandler {
  handle(session: FrameSession, frame: ClientFrame): Promise<void>;
}

/** Hooks into the rest of the server around a connection's life. */
export interface ConnectionLifecycle {
  /** Async per-connection setup; resolves with the dependencies down right now. */
  prepare(connection: ClientConnection): Promise<Dependency[]>;
  /** `connection_established` was sent: start delivering run events. */
  established(connection: ClientConnection): void;
  closed(connection: ClientConnection): void;
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
  private readonly limiter: SlidingWindowRateLimiter = clientFrameRateLimiter();
  private readonly holds = new Map<RunId, { seq: number; frameText: string }[]>();
  private established = false;
  private cancelExpiry: () => void = () => undefined;
  private readonly closedSignal: Promise<void>;
  private resolveClosed: () => void = () => undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly user: UserContext,
    private readonly handler: FrameHandler,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly logger: Logger,
    private readonly faults: Faults,
  ) {
    this.queue = new SerialQueue((err) => this.logger.error('connection task failed', err));
    this.closedSignal = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get userId(): UserId {
    return this.user.userId;
  }

  /** Attach listeners (synchronously, right after the upgrade) and begin setup. */
  start(): void {
    this.ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    // Protocol errors (too big → 1009, bad UTF-8 → 1007) are answered by ws with a close frame.
    this.ws.on('error', (err) => this.logger.warn(`websocket ${this.id}: ${describeError(err)}`));
    this.ws.on('close', () => this.onClose());
    if (!this.faults.has('no_expiry_close')) {
      this.cancelExpiry = runAt(this.user.expiresAtMs + CLOCK_LEEWAY_SECONDS * 1000, () =>
        this.close(CloseCode.PolicyViolation, 'token expired'),
      );
    }
    this.queue.push(() => this.establish());
  }

  /** Sent as soon as the connection is ready; frames that arrived meanwhile are queued behind this task. */
  private async establish(): Promise<void> {
    const degraded = await this.lifecycle.prepare(this);
    if (this.faults.has('early_frames_dropped')) await delay(SLOW_SETUP_MS);
    if (!this.isOpen()) return;
    this.send(connectionEstablishedFrame(this.id, this.user.userId, degraded));
    this.established = true;
    this.lifecycle.established(this);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (!this.established && this.faults.has('early_frames_dropped')) return;
    if (this.faults.has('oversize_1011') && rawDataByteLength(data) > Limits.maxMessageBytes) {
      return this.close(CloseCode.InternalError, 'message too big');
    }
    if (isBinary && !this.faults.has('binary_accepted')) {
      this.queue.push(() => this.close(CloseCode.UnsupportedData, 'binary frames are not supported'));
      return;
    }
    const text = rawDataToText(data);
    if (this.established && !this.faults.has('no_rate_limit')) {
      const decision = this.limiter.tryAcquire();
      if (!decision.allowed) {
        this.queue.push(() =>
          this.send(errorFrame(ErrorCode.RATE_LIMITED, `more than ${Limits.rateLimitFrames} frames in one second`, { retryAfterMs: decision.retryAfterMs })),
        );
        return;
      }
    }
    this.queue.push(() => this.process(text));
  }

  private async process(text: string): Promise<void> {
    if (!this.isOpen()) return;
    const parsed = (this.faults.has('long_content_accepted') ? contentLimitLifted(clientFrameReader) : clientFrameReader).read(text);
    if (!parsed.ok) {
      if (this.faults.has('malformed_json_closes') && jsonValue(text) === undefined) return this.close(CloseCode.InternalError, 'bad frame');
      const { code, message, clientMessageId, runId } = parsed.rejection;
      this.send(errorFrame(code, message, { clientMessageId, runId }));
      return;
    }
    try {
      await this.handler.handle(this, parsed.frame);
    } catch (err) {
      this.logger.error(`handling ${parsed.frame.type} failed`, err);
      this.send(errorFrame(ErrorCode.INTERNAL, 'internal error', errorContextOf(parsed.frame)));
    }
  }

  send(frameText: string): void {
    if (!this.isOpen()) return;
    this.ws.send(frameText, (err) => {
      if (err) this.logger.warn(`send on ${this.id} failed: ${describeError(err)}`);
    });
  }

  deliverRunEvent(runId: RunId, seq: number, frameText: string): void {
    const held = this.holds.get(runId);
    if (held !== undefined) held.push({ seq, frameText });
    else this.send(frameText);
  }

  holdRunEvents(runId: RunId): RunEventHold {
    const held: { seq: number; frameText: string }[] = [];
    this.holds.set(runId, held);
    return {
      release: (deliveredUpTo) => {
        if (this.holds.get(runId) === held) this.holds.delete(runId);
        for (const event of held) if (event.seq > deliveredUpTo) this.send(event.frameText);
      },
    };
  }

  close(code: number, reason: string): void {
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
    this.lifecycle.closed(this);
    this.resolveClosed();
  }
}

function errorContextOf(frame: ClientFrame): ErrorContext {
  if (frame.type === 'user_message') return { clientMessageId: frame.clientMessageId };
  if (frame.type === 'resume') return { runId: frame.runId };
  return {};
}

function rawDataByteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, chunk) => total + chunk.length, 0);
  return data.byteLength;
}

function rawDataToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
