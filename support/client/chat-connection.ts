import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { CloseCode } from '../../protocol/constants';
import WebSocket from 'ws';
import type { HandshakeCredentials } from '../auth/credentials';
import { frameType, parseServerFrame, type ReceivedFrame, type SentFrame } from '../domain/frames';
import { ConditionWaiters } from './wait';
import { connectionLedger } from './connection-ledger';

export interface CloseRecord {
  readonly code: number;
  readonly reason: string;
  readonly at: number;
}

/** The server answered the upgrade request with something other than 101. */
export class HandshakeRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string | undefined,
  ) {
    super(`handshake refused with HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface ConnectOptions {
  /** Who and which tab, for transcripts: "Alice/tab-1". */
  readonly label: string;
  readonly url: string;
  readonly credentials: HandshakeCredentials;
  readonly timeoutMs: number;
  /** A private CA to trust (wss:// behind a front end with its own certificate). */
  readonly ca?: Buffer | undefined;
  /** The scenario expects the service to turn this handshake away (it is not a session meant to be established). */
  readonly refusalExpected?: boolean;
  /** Frames sent the instant the socket opens, before the server can have said it is ready. */
  readonly sendOnOpen?: ReadonlyArray<{ readonly type: string; readonly data: Record<string, unknown> }>;
  /**
   * Frames written in the same write as the upgrade request, before the
   * server has even answered it: certainly before connection_established.
   */
  readonly sendWithHandshake?: ReadonlyArray<{ readonly type: string; readonly data: Record<string, unknown> }>;
}

/** A client text frame, masked as RFC 6455 requires of clients. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.alloc(length < 65_536 ? 4 : 10);
  if (length >= 126) {
    header[0] = 0x81;
    header[1] = 0x80 | (length < 65_536 ? 126 : 127);
    if (length < 65_536) header.writeUInt16BE(length, 2);
    else header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, mask, payload.map((byte, index) => byte ^ (mask[index % 4] as number))]);
}

/**
 * ws's own way of opening the TCP (or TLS) connection, except that the first
 * write — the upgrade request — carries `frames` right behind it.
 */
function connectingWith(frames: Buffer, secure: boolean): (options: Record<string, unknown>) => Socket {
  return (options) => {
    const socket: Socket = secure
      ? tlsConnect({ ...options, path: undefined, servername: typeof options.servername === 'string' ? options.servername : isIP(String(options.host)) ? '' : String(options.host) } as ConnectionOptions)
      : netConnect({ ...options, path: options.socketPath } as NetConnectOpts);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    let first = true;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (!first) return write(chunk, ...rest);
      first = false;
      const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'latin1';
      const head = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array);
      return write(Buffer.concat([head, frames]), ...rest.filter((argument) => typeof argument === 'function'));
    });
    return socket;
  };
}

/**
 * A real WebSocket client that records every frame with its receive time,
 * waits on conditions with deadlines, and keeps the close code and reason.
 */
export class ChatConnection {
  readonly received: ReceivedFrame[] = [];
  readonly sent: SentFrame[] = [];
  readonly errors: string[] = [];
  private closeRecord: CloseRecord | undefined;
  private droppedOnPurpose = false;
  private stalled = false;
  private readonly waiters = new ConditionWaiters();
  private readonly closed: Promise<CloseRecord>;

  private constructor(
    readonly label: string,
    private readonly socket: WebSocket,
    readonly connectStartedAt: number,
    readonly openedAt: number,
  ) {
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeRecord = { code, reason: reason.toString('utf8'), at: performance.now() };
        connectionLedger.recordClose(code, this.droppedOnPurpose);
        this.waiters.notify();
        resolve(this.closeRecord);
      });
    });
    socket.on('message', (data, isBinary) => this.record(data, isBinary));
    socket.on('error', (error) => {
      this.errors.push(error.message);
      this.waiters.notify();
    });
  }

  /** Opens the socket; resolves once upgraded (101), rejects if refused or unreachable. */
  static connect(options: ConnectOptions): Promise<ChatConnection> {
    const startedAt = performance.now();
    connectionLedger.recordAttempt();
    return new Promise((resolve, reject) => {
      const withHandshake = (options.sendWithHandshake ?? []).map((frame) => ({ sentAt: performance.now(), text: JSON.stringify(frame), type: frame.type, raw: false }));
      const socket = new WebSocket(`${options.url}${options.credentials.query}`, options.credentials.protocols, {
        headers: options.credentials.headers,
        handshakeTimeout: options.timeoutMs,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(withHandshake.length === 0 ? {} : { createConnection: connectingWith(Buffer.concat(withHandshake.map((frame) => maskedTextFrame(frame.text))), options.url.startsWith('wss:')) as never }),
      });
      // Frames can arrive in the same tick as 'open'; buffer until the connection object exists.
      const early: Array<[WebSocket.RawData, boolean]> = [];
      const keepEarly = (data: WebSocket.RawData, isBinary: boolean): void => void early.push([data, isBinary]);
      socket.on('message', keepEarly);
      socket.once('unexpected-response', (request, response) => {
        refused = true;
        readBody(response).then(
          (body) => {
            connectionLedger.recordRefusal(response.statusCode ?? 0);
            reject(new HandshakeRefusedError(response.statusCode ?? 0, body, response.headers['content-type']));
            request.destroy();
          },
          (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
        );
      });
      // An error before 'open' (refused, reset, timed out) ends the attempt; ws is already CLOSING when it reports one.
      let opened = false;
      let refused = false;
      socket.once('error', (error) => {
        if (opened || refused) return;
        connectionLedger.recordFailure(options.refusalExpected === true);
        reject(new Error(`${options.label} could not open a WebSocket to ${options.url}: ${error.message}`));
      });
      socket.once('open', () => {
        opened = true;
        socket.off('message', keepEarly);
        connectionLedger.recordUpgrade();
        const connection = new ChatConnection(options.label, socket, startedAt, performance.now());
        connection.sent.push(...withHandshake);
        for (const frame of options.sendOnOpen ?? []) connection.send(frame.type, frame.data);
        for (const [data, isBinary] of early) connection.record(data, isBinary);
        resolve(connection);
      });
    });
  }

  /** The subprotocol the server selected ('' when none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get closeEvent(): CloseRecord | undefined {
    return this.closeRecord;
  }

  send(type: string, data: Record<string, unknown>): SentFrame {
    return this.transmit({ sentAt: performance.now(), text: JSON.stringify({ type, data }), type, raw: false });
  }

  /** Sends any text, well-formed or not. */
  sendText(text: string): SentFrame {
    return this.transmit({ sentAt: performance.now(), text, type: '(raw text)', raw: true });
  }

  private transmit(frame: SentFrame): SentFrame {
    this.sent.push(frame);
    this.socket.send(frame.text);
    return frame;
  }

  sendBinary(bytes: Buffer): SentFrame {
    const frame: SentFrame = { sentAt: performance.now(), text: `<binary, ${bytes.length} bytes>`, type: '(binary)', raw: true };
    this.sent.push(frame);
    this.socket.send(bytes, { binary: true });
    return frame;
  }

  /** Sends `text` (ASCII) as one text message split into fragments of `fragmentBytes` (a first frame, then continuation frames). */
  sendFragmented(text: string, fragmentBytes: number): SentFrame {
    const bytes = Buffer.from(text, 'utf8');
    const frame: SentFrame = { sentAt: performance.now(), text: `<text in ${Math.ceil(bytes.length / fragmentBytes)} fragments, ${bytes.length} bytes> ${text.slice(0, 80)}`, type: '(fragmented)', raw: true };
    this.sent.push(frame);
    for (let offset = 0; offset < bytes.length; offset += fragmentBytes) {
      this.socket.send(bytes.subarray(offset, offset + fragmentBytes), { binary: false, fin: offset + fragmentBytes >= bytes.length });
    }
    return frame;
  }

  /**
   * Waits until `probe` finds something in the frames received so far; resolves
   * with it, or with undefined at the deadline or once the connection closed.
   * An observation, not a verdict: judges decide what a missing frame means.
   */
  until<T>(timeoutMs: number, probe: (frames: readonly ReceivedFrame[]) => T | undefined): Promise<T | undefined> {
    return this.waiters.until(timeoutMs, () => probe(this.received), () => this.closeRecord !== undefined);
  }

  /** Like `until`, for steps that arrange: a frame that never comes is an error that says what was awaited and what came instead. */
  async waitFor<T>(what: string, timeoutMs: number, probe: (frames: readonly ReceivedFrame[]) => T | undefined): Promise<T> {
    const started = performance.now();
    const found = await this.until(timeoutMs, probe);
    if (found !== undefined) return found;
    const why = this.closeRecord === undefined ? `not within ${(timeoutMs / 1000).toFixed(1)} s` : `the connection closed (${describeClose(this.closeRecord)}) after ${((performance.now() - started) / 1000).toFixed(2)} s`;
    throw new Error(`${this.label}: ${what}: ${why}. ${this.describeState()}`);
  }

  /** The first frame of `type` at or after position `from`, or undefined at the deadline. */
  untilType(type: string, timeoutMs: number, from = 0): Promise<ReceivedFrame | undefined> {
    return this.until(timeoutMs, (frames) => frames.slice(from).find((frame) => frameType(frame) === type));
  }

  /** The server's close, or undefined when the connection is still open at the deadline. */
  untilClosed(timeoutMs: number): Promise<CloseRecord | undefined> {
    return this.waiters.until(timeoutMs, () => this.closeRecord);
  }

  /**
   * Stops reading the socket, as a tab on a stalled network or a frozen
   * device would: once Node's small read buffer is full, TCP reading stops
   * (the socket's read is stopped), so what the server sends piles up in the
   * operating system's buffers and then in the server. Sending still works.
   */
  stopReading(): void {
    this.stalled = true;
    this.socket.pause();
  }

  /** Reads again: everything held back arrives, in order. */
  resumeReading(): void {
    this.stalled = false;
    this.socket.resume();
  }

  get isReading(): boolean {
    return !this.stalled;
  }

  /** Cuts the connection without a close handshake, as a lost network would. */
  async drop(): Promise<CloseRecord> {
    this.droppedOnPurpose = true;
    this.socket.terminate();
    return this.closed;
  }

  /**
   * The suite is about to kill this connection's backend instance: its close,
   * without a close frame, is then the suite's doing (PROTOCOL §5: a dying
   * instance's connections are the only exception to §9), not the backend's.
   */
  outliveItsInstance(): void {
    this.droppedOnPurpose = true;
  }

  /** Closes normally and waits for the server's close frame; tears the socket down if none comes. */
  async close(timeoutMs = 2_000): Promise<CloseRecord> {
    if (this.closeRecord !== undefined) return this.closeRecord;
    if (this.stalled) this.resumeReading(); // the server's answer to the close is behind whatever it still had to send
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(CloseCode.Normal, 'scenario finished');
    const timer = setTimeout(() => this.socket.terminate(), timeoutMs);
    const record = await this.closed;
    clearTimeout(timer);
    return record;
  }

  private record(data: WebSocket.RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const text = isBinary ? `<binary, ${bytes.length} bytes>` : bytes.toString('utf8');
    this.received.push({ index: this.received.length, receivedAt: performance.now(), text, frame: isBinary ? undefined : parseServerFrame(text) });
    this.waiters.notify();
  }

  describeState(): string {
    const types = this.received.slice(-12).map((frame) => frameType(frame) ?? '(unparsable)');
    const close = this.closeRecord === undefined ? 'still open' : `closed ${describeClose(this.closeRecord)}`;
    return `Received ${this.received.length} frame(s)${types.length > 0 ? `, last: ${types.join(', ')}` : ''}; connection ${close}.`;
  }
}

export function describeClose(record: CloseRecord): string {
  return `code ${record.code}${record.reason === '' ? '' : ` "${record.reason}"`}`;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}
