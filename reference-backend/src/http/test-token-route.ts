import type { IncomingMessage, ServerResponse } from 'node:http';
import { TestTokens } from '../../../protocol/constants';
import type { TestTokenIssuer, TestTokenRequestReader } from '../auth/test-tokens';
import { sendError, sendJson, type HttpErrorCode } from './responses';

/** How a refused test-token request is answered (JSON, as in §3). */
export type RefuseTestToken = (res: ServerResponse, status: number, code: HttpErrorCode, message: string) => void;

export interface TestTokenRouteDeps {
  readonly issuer: TestTokenIssuer;
  readonly readRequest: TestTokenRequestReader;
  readonly refuse: RefuseTestToken;
  readonly now?: () => number;
}

/** A request body bigger than this is a bad body, not something to buffer. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * `POST /auth/test-token` (PROTOCOL §10), served only when E2E_TOKEN_KEY is
 * set: the key first (401), then the rate limit of the key (429), then the
 * body (400), then a token.
 */
export async function answerTestTokenRequest(deps: TestTokenRouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const now = deps.now ?? Date.now;
  const presented = req.headers[TestTokens.keyHeader.toLowerCase()];
  const body = await readBody(req);
  if (!deps.issuer.keyMatches(typeof presented === 'string' ? presented : undefined)) {
    return deps.refuse(res, 401, 'UNAUTHORIZED', `a missing or wrong ${TestTokens.keyHeader}`);
  }
  if (!deps.issuer.admit(now())) {
    return deps.refuse(res, 429, 'RATE_LIMITED', `more than ${TestTokens.maxRequestsPerMinute} test-token requests in a minute for this key`);
  }
  if (body === null) return deps.refuse(res, 400, 'INVALID_MESSAGE', `the body is over ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return deps.refuse(res, 400, 'INVALID_MESSAGE', `the body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const request = deps.readRequest(parsed);
  if ('problem' in request) return deps.refuse(res, 400, 'INVALID_MESSAGE', `a bad test-token request: ${request.problem}`);
  const issued = deps.issuer.issue(request, now());
  return sendJson(res, 200, { token: issued.token, expires_at: issued.expiresAt });
}

export const refuseTestTokenWithJson: RefuseTestToken = sendError;

/** The body as text, or null when it is over MAX_BODY_BYTES (the rest is read and dropped, so the answer still arrives). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => resolve(bytes > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
