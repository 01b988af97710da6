import type { RawData } from 'ws';
import { CloseCode, Limits } from '../../../protocol/constants';
import { CLOCK_LEEWAY_SECONDS } from '../auth/jwt-verifier';
import { clientFrameRateLimiter, type RateLimiter } from './rate-limiter';
import type { UserContext } from './user-context';

/** A WebSocket message as it arrives. */
export interface ArrivedFrame {
  readonly data: RawData;
  readonly isBinary: boolean;
}

/** What an arrival policy can do with the connection a frame arrived on. */
export interface FrameIntake {
  /** Whether `connection_established` went out; frames before it are not rate limited (protocol §3). */
  isEstablished(): boolean;
  /** Queue the text to be handled after every frame before it (rate limited once established). */
  process(text: string): void;
  /** Handle the text at once, without waiting for the setup and the frames queued before it. */
  processUnqueued(text: string): void;
  /** Close after every frame before this one was handled. */
  closeInTurn(code: CloseCode, reason: string): void;
  /** Close right away. */
  closeNow(code: CloseCode, reason: string): void;
}

/** How a connection treats what arrives on it and how long it lives. */
export interface ConnectionPolicy {
  /** The largest message accepted, in bytes after reassembly; ws closes with 1009 beyond. */
  readonly maxMessageBytes: number;
  /**
   * How much may wait in this process to be sent to a client that does not
   * read (beyond what the operating system buffers); past it the connection
   * is closed with 1008, so that one stalled tab never holds the server's
   * memory, and never anyone else's delivery (its events stay in storage, for
   * `resume`).
   */
  readonly maxBufferedBytes: number;
  /** What to do with a message as it arrives. */
  onArrival(frame: ArrivedFrame, intake: FrameIntake): void;
  /** A fresh limiter of client frames, for one connection. */
  rateLimiter(): RateLimiter;
  /** Whether a frame arriving now counts toward the rate limit: not before connection_established (protocol §3). */
  countsTowardRateLimit(established: boolean): boolean;
  /** When the session ends by itself (epoch ms; closed with 1008), or null for never. */
  sessionEndsAt(user: UserContext): number | null;
}

/**
 * Protocol §8 and §3: messages up to 64 KiB, a binary frame closes with 1003
 * (in turn, so the frames before it are still answered), 20 frames a second,
 * and a session ends when its token expires (plus our clock leeway). A client
 * that stops reading may leave 8 MiB waiting here before it is closed.
 */
export const protocolConnectionPolicy: ConnectionPolicy = {
  maxMessageBytes: Limits.maxMessageBytes,
  maxBufferedBytes: 8 * 1024 * 1024,
  onArrival: (frame, intake) => {
    if (frame.isBinary) return intake.closeInTurn(CloseCode.UnsupportedData, 'binary frames are not supported');
    intake.process(rawDataToText(frame.data));
  },
  rateLimiter: () => clientFrameRateLimiter(),
  countsTowardRateLimit: (established) => established,
  sessionEndsAt: (user) => user.expiresAtMs + CLOCK_LEEWAY_SECONDS * 1000,
};

export function rawDataByteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, chunk) => total + chunk.length, 0);
  return data.byteLength;
}

export function rawDataToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
