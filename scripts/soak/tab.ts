/**
 * One browser tab of a soak user: a WebSocket that hands every run event to
 * the ledger and lets the traffic wait, with a deadline, for the answers it
 * expects (message_accepted or an error for a client_message_id, a pong for
 * a nonce, the answer to a hostile frame). Every close is recorded with its code.
 */
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import { isRunEventType } from '../../protocol/constants';
import { presentToken } from '../../support/auth/credentials';
import { frameText, untilEstablished } from '../lib/established';
import type { Ledger, RunEventFrame, TabRecord } from './ledger';

export interface ServerFrame {
  readonly type: string;
  readonly run_id?: string;
  readonly seq?: number;
  readonly data?: Record<string, unknown>;
}

export type AskAnswer =
  | { readonly kind: 'accepted'; readonly messageId: string; readonly threadId: string; readonly runId: string }
  | { readonly kind: 'error'; readonly code: string; readonly retryable: boolean; readonly retryAfterMs: number | undefined };

interface Waiter<T> {
  resolve(value: T | undefined): void;
  timer: NodeJS.Timeout;
}

export class TabClosedError extends Error {}


export class SoakTab {
  private readonly asks = new Map<string, Waiter<AskAnswer>>();
  private readonly pongs = new Map<string, Waiter<true>>();
  private readonly resumes = new Map<string, Waiter<{ code: string }>>();
  /** Error frames that answer no pending ask or resume: the answers to hostile frames. */
  readonly looseErrors: { code: string; retryAfterMs?: number }[] = [];
  readonly closed: Promise<number>;
  private onClosed: (code: number) => void = () => undefined;

  private constructor(
    private readonly ws: WebSocket,
    readonly record: TabRecord,
    private readonly ledger: Ledger,
  ) {
    this.closed = new Promise((resolve) => {
      this.onClosed = resolve;
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Connects and resolves once `connection_established` arrived; rejects on
   * a refusal, an error, another first frame or after `timeoutMs`.
   */
  static async open(url: string, token: string, record: TabRecord, ledger: Ledger, timeoutMs: number): Promise<SoakTab> {
    const { headers } = presentToken(token, 'header');
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: timeoutMs, followRedirects: false });
    const tab = new SoakTab(ws, record, ledger);
    ws.once('upgrade', () => {
      record.upgraded = true;
    });
    ws.on('close', (code) => {
      record.closedAt = performance.now();
      record.closeCode = code;
      tab.failWaiters();
      tab.onClosed(code);
    });
    await untilEstablished(ws, timeoutMs, (reason) => new Error(`tab ${record.id} of ${record.userId} on ${record.instance}: ${reason}`), (at) => {
      record.establishedAt = at;
      ws.on('message', (more) => tab.onFrame(more));
    });
    return tab;
  }

  private onFrame(data: RawData): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(frameText(data)) as ServerFrame;
    } catch (error) {
      this.ledger.violation(`tab ${this.record.id}: a frame that is not JSON (${String(error)})`);
      return;
    }
    const payload = frame.data ?? {};
    if (isRunEventType(frame.type)) {
      if (typeof frame.run_id !== 'string' || typeof frame.seq !== 'number') {
        this.ledger.violation(`tab ${this.record.id}: a ${frame.type} without run_id or seq`);
        return;
      }
      this.ledger.event(this.record, frame as RunEventFrame, performance.now());
      return;
    }
    switch (frame.type) {
      case 'message_accepted': {
        const cmid = String(payload.client_message_id);
        this.settle(this.asks, cmid, { kind: 'accepted', messageId: String(payload.message_id), threadId: String(payload.thread_id), runId: String(payload.run_id) });
        return;
      }
      case 'error': {
        const code = String(payload.code);
        const retryAfterMs = typeof payload.retry_after_ms === 'number' ? payload.retry_after_ms : undefined;
        const cmid = typeof payload.client_message_id === 'string' ? payload.client_message_id : undefined;
        if (cmid !== undefined && this.asks.has(cmid)) {
          this.settle(this.asks, cmid, { kind: 'error', code, retryable: payload.retryable === true, retryAfterMs });
          return;
        }
        const runId = typeof payload.run_id === 'string' ? payload.run_id : undefined;
        if (runId !== undefined && this.resumes.has(runId)) {
          this.settle(this.resumes, runId, { code });
          return;
        }
        this.looseErrors.push(retryAfterMs === undefined ? { code } : { code, retryAfterMs });
        return;
      }
      case 'pong':
        this.settle(this.pongs, String(payload.nonce), true);
        return;
      default:
        return; // clients ignore unknown frame types
    }
  }

  private settle<T>(waiters: Map<string, Waiter<T>>, key: string, value: T): void {
    const waiter = waiters.get(key);
    if (waiter === undefined) return;
    waiters.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(value);
  }

  private wait<T>(waiters: Map<string, Waiter<T>>, key: string, timeoutMs: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiters.delete(key);
        resolve(undefined);
      }, timeoutMs);
      waiters.set(key, { resolve, timer });
    });
  }

  private failWaiters(): void {
    for (const waiters of [this.asks, this.pongs, this.resumes] as Map<string, Waiter<unknown>>[]) {
      for (const [key, waiter] of waiters) {
        clearTimeout(waiter.timer);
        waiters.delete(key);
        waiter.resolve(undefined);
      }
    }
  }

  sendRaw(frame: string | Buffer): void {
    if (!this.isOpen) throw new TabClosedError(`tab ${this.record.id} is closed`);
    if (typeof frame === 'string') this.ws.send(frame);
    else this.ws.send(frame, { binary: true });
  }

  /** Sends a user_message; resolves with its answer, or undefined after `timeoutMs` or when the tab closes. */
  ask(clientMessageId: string, content: string, threadId: string | undefined, timeoutMs: number): Promise<AskAnswer | undefined> {
    const answer = this.wait(this.asks, clientMessageId, timeoutMs);
    this.sendRaw(JSON.stringify({ type: 'user_message', data: { content, client_message_id: clientMessageId, ...(threadId === undefined ? {} : { thread_id: threadId }) } }));
    return answer;
  }

  /**
   * Sends a resume. Resolves with the error code when one answers it (a run
   * that is not found, PostgreSQL down), or undefined: the replay (or
   * nothing) follows as run events.
   */
  resume(runId: string, afterSeq: number, answerWithinMs: number): Promise<{ code: string } | undefined> {
    this.record.resumed.add(runId);
    const answer = this.wait(this.resumes, runId, answerWithinMs);
    this.sendRaw(JSON.stringify({ type: 'resume', data: { run_id: runId, after_seq: afterSeq } }));
    return answer;
  }

  /** Resolves true when the pong arrives within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<boolean> {
    const nonce = randomUUID();
    const answer = this.wait(this.pongs, nonce, timeoutMs);
    this.sendRaw(JSON.stringify({ type: 'ping', data: { nonce } }));
    return (await answer) === true;
  }

  /** Closes with 1000 and waits (bounded) for the close to finish. */
  async close(timeoutMs: number): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return this.closed;
    const timer = setTimeout(() => {
      this.record.terminatedByUs = true;
      this.ws.terminate();
    }, timeoutMs);
    this.record.closingSince ??= performance.now();
    this.ws.close(1000);
    const code = await this.closed;
    clearTimeout(timer);
    return code;
  }

  terminate(): void {
    this.record.terminatedByUs = true;
    this.ws.terminate();
  }
}
