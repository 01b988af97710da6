import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseJson } from '../domain/json';

/**
 * HTTP as the suite speaks it to a backend: plain or TLS (a deployment behind
 * a front end like Cloud Run's), trusting a private CA when the target gives
 * one (GOLDEN_PATH_CA_FILE). A request that gets no HTTP answer at all is an
 * error saying so — the service is down or unreachable — never a reading.
 */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body, or undefined when it was not JSON. */
  readonly body: unknown;
}

export interface HttpOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** Certificates to trust besides the system's (PEM). */
  readonly ca?: string | Buffer | undefined;
}

export function httpCall(url: string, options: HttpOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (why: string, cause?: unknown): void => reject(new Error(`the chat service did not answer ${options.method ?? 'GET'} ${url} within ${(options.timeoutMs / 1000).toFixed(1)} s: ${why}`, { cause }));
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: { ...(options.body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(options.body)) }), ...options.headers },
        timeout: options.timeoutMs,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => fail(error.message, error));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: parseJson(text) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => fail(error.message, error));
    req.end(options.body);
  });
}
