/**
 * The one wait the bench and the soak share: a WebSocket they just opened,
 * until its first frame is `connection_established` (PROTOCOL §3). The
 * suite's own client has its own (support/client); these tools stay apart
 * from it on purpose, to measure with as little in the way as possible.
 */
import type WebSocket from 'ws';
import type { RawData } from 'ws';

/** A frame's text, whatever shape ws handed it in. */
export function frameText(data: RawData): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Why a first frame is not a `connection_established`, or undefined when it is. */
export function notEstablished(data: RawData): string | undefined {
  const text = frameText(data);
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (error) {
    return `a first frame that is not JSON (${String(error)}): ${text.slice(0, 120)}`;
  }
  const type = typeof frame === 'object' && frame !== null ? (frame as { type?: unknown }).type : undefined;
  return type === 'connection_established' ? undefined : `the first frame is ${JSON.stringify(type)}, not connection_established: ${text.slice(0, 120)}`;
}

/**
 * Resolves with `performance.now()` at the arrival of `ws`'s first frame once
 * it is a `connection_established`; otherwise — a refused upgrade, an error,
 * a close, another first frame, `timeoutMs` passing — terminates the socket
 * and rejects with `failure(reason)`. `onEstablished` runs in the very event
 * of the first frame, before anything else can arrive (ws may emit several
 * frames of one read synchronously, before a promise's reactions run): the
 * place to attach the listeners for what follows. Its own listeners stay
 * attached, inert once it settled, so the socket always has an 'error' one.
 */
export function untilEstablished(ws: WebSocket, timeoutMs: number, failure: (reason: string) => Error, onEstablished: (at: number) => void = () => undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(failure(reason));
    };
    const timer = setTimeout(() => fail(`no connection_established within ${timeoutMs} ms`), timeoutMs);
    ws.on('unexpected-response', (_request, response) => fail(`the upgrade was refused with HTTP ${String(response.statusCode)}`));
    ws.on('error', (error) => fail(error.message));
    ws.on('close', (code) => fail(`closed with ${code} before connection_established`));
    ws.once('message', (data) => {
      if (settled) return;
      const at = performance.now();
      const problem = notEstablished(data);
      if (problem !== undefined) {
        fail(problem);
        return;
      }
      settled = true;
      clearTimeout(timer);
      onEstablished(at);
      resolve(at);
    });
  });
}
