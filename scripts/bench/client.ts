/**
 * The measuring client: the same code opens connections to the backend and to
 * the bare baseline server. A "ready handshake" is: start connecting (TCP +
 * HTTP upgrade with the token) → first frame, which must be
 * `connection_established` → close, and wait for the close to finish.
 */
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import { presentToken } from '../../support/auth/credentials';
import { frameText, notEstablished, untilEstablished } from '../lib/established';

export const RUN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
]);

export const BENCH_MESSAGE_CONTENT =
  'Please analyse our AI spend of $12,400 a month on GPT-4o and recommend optimizations';

/** A connection or run that failed outright: the bench stops and says why. */
export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

export interface ServerFrame {
  readonly type: string;
  readonly run_id?: string;
  readonly seq?: number;
  readonly data?: Record<string, unknown>;
}

function parseFrame(data: RawData, what: string): ServerFrame {
  const text = frameText(data);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BenchFailure(`${what}: a frame that is not JSON (${String(error)}): ${text.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') {
    throw new BenchFailure(`${what}: a frame without a string "type": ${text.slice(0, 200)}`);
  }
  return parsed as ServerFrame;
}

function openSocket(url: string, token: string, timeoutMs: number): WebSocket {
  const { headers } = presentToken(token, 'header');
  return new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: timeoutMs, followRedirects: false });
}

function describeUnexpectedResponse(status: number | undefined): string {
  return `the server refused the upgrade with HTTP ${String(status)}`;
}

/**
 * Opens a connection, waits for `connection_established`, closes it and waits
 * for the close. Resolves with the milliseconds from the start of the connect
 * to the first frame. Rejects (BenchFailure) on any refusal, error, wrong
 * first frame or when `timeoutMs` passes.
 */
export function readyHandshake(url: string, token: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let readyMs: number | undefined;
    let settled = false;
    const ws = openSocket(url, token, timeoutMs);
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(new BenchFailure(`ready handshake with ${url}: ${reason}`));
    };
    const timer = setTimeout(() => fail(`no connection_established and close within ${timeoutMs} ms`), timeoutMs);
    ws.on('unexpected-response', (_req, res) => fail(describeUnexpectedResponse(res.statusCode)));
    ws.on('error', (err) => fail(err.message));
    ws.on('message', (data) => {
      if (readyMs !== undefined) return; // anything after the first frame is not part of the handshake
      readyMs = performance.now() - started;
      const problem = notEstablished(data);
      if (problem !== undefined) {
        fail(problem);
        return;
      }
      ws.close(1000);
    });
    ws.on('close', (code) => {
      if (settled) return;
      if (readyMs === undefined) {
        fail(`closed with ${code} before connection_established`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(readyMs);
    });
  });
}

/** One run as the client saw it; times are performance.now() milliseconds. */
export interface RunObservation {
  readonly runId: string;
  readonly sentAt: number;
  readonly acceptedAt: number;
  readonly startedAt: number;
  readonly completedAt: number;
  /** Frames of the five run-event types received for this run. */
  readonly events: number;
}

interface PendingRun {
  readonly clientMessageId: string;
  readonly sentAt: number;
  runId?: string;
  acceptedAt?: number;
  startedAt?: number;
  events: number;
  resolve(run: RunObservation): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * An open, established connection that sends `user_message`s and follows
 * their runs. Every frame a run produces on this connection is counted.
 */
export class ChatSession {
  private readonly byClientMessageId = new Map<string, PendingRun>();
  private readonly byRunId = new Map<string, PendingRun>();
  /** Run events that arrived before their run's message_accepted (allowed by nothing, but counted, not lost). */
  private readonly early = new Map<string, ServerFrame[]>();
  private closedReason: string | undefined;

  private constructor(
    private readonly ws: WebSocket,
    readonly userId: string,
    readonly readyMs: number,
  ) {
    ws.on('message', (data) => this.onFrame(data));
    ws.on('close', (code) => this.failAll(`the connection closed with ${code}`));
    ws.on('error', (err) => this.failAll(`connection error: ${err.message}`));
  }

  /** Connects and resolves once `connection_established` has arrived. */
  static async open(url: string, userId: string, token: string, timeoutMs: number): Promise<ChatSession> {
    const started = performance.now();
    const ws = openSocket(url, token, timeoutMs);
    let session: ChatSession | undefined;
    await untilEstablished(ws, timeoutMs, (reason) => new BenchFailure(`connection of ${userId} to ${url}: ${reason}`), (at) => {
      // In the event of the first frame: no later frame can slip past the session's own listener.
      session = new ChatSession(ws, userId, at - started);
    });
    return session as ChatSession;
  }

  /** Sends one `user_message` (a new thread) and resolves when its `agent_completed` (status success) arrives. */
  run(timeoutMs: number): Promise<RunObservation> {
    if (this.closedReason !== undefined) return Promise.reject(new BenchFailure(`${this.userId}: ${this.closedReason}`));
    const clientMessageId = randomUUID();
    return new Promise((resolve, reject) => {
      const pending: PendingRun = {
        clientMessageId,
        sentAt: performance.now(),
        events: 0,
        resolve,
        reject,
        timer: setTimeout(() => this.fail(pending, `the run did not complete within ${timeoutMs} ms`), timeoutMs),
      };
      this.byClientMessageId.set(clientMessageId, pending);
      this.ws.send(
        JSON.stringify({ type: 'user_message', data: { content: BENCH_MESSAGE_CONTENT, client_message_id: clientMessageId } }),
        (err) => {
          if (err) this.fail(pending, `sending the user_message failed: ${err.message}`);
        },
      );
    });
  }

  /** Closes the connection and waits (at most `timeoutMs`) for the close to finish. */
  close(timeoutMs: number): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, timeoutMs);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.closedReason = 'closed by the bench';
      this.ws.close(1000);
    });
  }

  private onFrame(data: RawData): void {
    let frame: ServerFrame;
    try {
      frame = parseFrame(data, this.userId);
    } catch (error) {
      this.failAll(error instanceof Error ? error.message : String(error));
      return;
    }
    const payload = frame.data ?? {};
    switch (frame.type) {
      case 'message_accepted': {
        const pending = this.byClientMessageId.get(String(payload.client_message_id));
        if (pending === undefined || typeof payload.run_id !== 'string') return;
        pending.runId = payload.run_id;
        pending.acceptedAt = performance.now();
        this.byRunId.set(payload.run_id, pending);
        for (const earlyFrame of this.early.get(payload.run_id) ?? []) this.onRunEvent(pending, earlyFrame, pending.acceptedAt);
        this.early.delete(payload.run_id);
        return;
      }
      case 'error': {
        const pending = this.byClientMessageId.get(String(payload.client_message_id));
        const description = `error frame ${String(payload.code)}: ${String(payload.message)}`;
        if (pending !== undefined) this.fail(pending, description);
        else this.failAll(description);
        return;
      }
      default: {
        if (!RUN_EVENT_TYPES.has(frame.type) || typeof frame.run_id !== 'string') return;
        const pending = this.byRunId.get(frame.run_id);
        if (pending === undefined) {
          const held = this.early.get(frame.run_id) ?? [];
          held.push(frame);
          this.early.set(frame.run_id, held);
          return;
        }
        this.onRunEvent(pending, frame, performance.now());
      }
    }
  }

  private onRunEvent(pending: PendingRun, frame: ServerFrame, at: number): void {
    pending.events += 1;
    if (frame.type === 'agent_started') pending.startedAt ??= at;
    if (frame.type !== 'agent_completed') return;
    const status = frame.data?.status;
    if (status !== 'success') {
      this.fail(pending, `agent_completed with status ${JSON.stringify(status)}: ${JSON.stringify(frame.data?.error)}`);
      return;
    }
    if (pending.runId === undefined || pending.acceptedAt === undefined || pending.startedAt === undefined) {
      this.fail(pending, 'agent_completed before message_accepted or agent_started');
      return;
    }
    this.forget(pending);
    pending.resolve({
      runId: pending.runId,
      sentAt: pending.sentAt,
      acceptedAt: pending.acceptedAt,
      startedAt: pending.startedAt,
      completedAt: at,
      events: pending.events,
    });
  }

  private fail(pending: PendingRun, reason: string): void {
    if (!this.byClientMessageId.has(pending.clientMessageId)) return;
    this.forget(pending);
    pending.reject(new BenchFailure(`run of ${this.userId}${pending.runId === undefined ? '' : ` (run ${pending.runId})`}: ${reason}`));
  }

  private failAll(reason: string): void {
    this.closedReason ??= reason;
    for (const pending of [...this.byClientMessageId.values()]) this.fail(pending, reason);
  }

  private forget(pending: PendingRun): void {
    clearTimeout(pending.timer);
    this.byClientMessageId.delete(pending.clientMessageId);
    if (pending.runId !== undefined) this.byRunId.delete(pending.runId);
  }
}
