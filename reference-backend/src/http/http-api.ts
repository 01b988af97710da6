import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HttpPath, READINESS_STATUS, WEBSOCKET_PATH, type Dependency, type ReadinessStatus } from '../../../protocol/constants';
import { bearerToken } from '../auth/token-extraction';
import type { Authentication } from '../connection/user-context';
import { parseThreadId } from '../domain/ids';
import type { DependencyStatus, DependencyStatusView } from '../health/dependency-monitor';
import type { Logger } from '../logger';
import type { ChatStore } from '../storage/chat-store';
import { isDatabaseUnavailable } from '../storage/database';
import { sendError, sendJson } from './responses';
import { answerTestTokenRequest, type TestTokenRouteDeps } from './test-token-route';

/** Who a history request comes from (protocol §2: §3's token rules, `read` needed). */
export type AuthenticateRequest = (token: string | null) => Authentication;

/** What /health/ready tells (health/dependency-monitor.ts). */
export interface ReadinessView {
  readiness(): ReadinessStatus;
  snapshot(): Record<Dependency, DependencyStatus>;
}

export interface HttpApiDeps {
  readonly instanceId: string;
  readonly openConnections: () => number;
  readonly readiness: ReadinessView;
  readonly dependencies: DependencyStatusView;
  readonly authenticate: AuthenticateRequest;
  readonly chatStore: ChatStore;
  readonly logger: Logger;
  /** PROTOCOL §10: present only when E2E_TOKEN_KEY is set; without it the path is unknown (404). */
  readonly testTokens?: TestTokenRouteDeps;
}

/** `HttpPath.history(id)` read backwards: what comes before and after the thread id. */
const [HISTORY_PREFIX, HISTORY_SUFFIX] = HttpPath.history('{thread_id}').split(encodeURIComponent('{thread_id}')) as [string, string];

/** The (still encoded) thread id of a history path, or null for any other path. */
function historyThreadSegment(path: string): string | null {
  if (!path.startsWith(HISTORY_PREFIX) || !path.endsWith(HISTORY_SUFFIX)) return null;
  const segment = path.slice(HISTORY_PREFIX.length, path.length - HISTORY_SUFFIX.length);
  return segment === '' || segment.includes('/') ? null : segment;
}

/** Plain HTTP routes: health, readiness, thread history and, when enabled, test tokens. */
export function createHttpApi(deps: HttpApiDeps): RequestListener {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.error('http request failed', err);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'internal error');
      else res.destroy();
    });
  };
}

async function handle(deps: HttpApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const historySegment = historyThreadSegment(path);
  if (path === HttpPath.testToken && deps.testTokens !== undefined) {
    if (req.method === 'POST') return answerTestTokenRequest(deps.testTokens, req, res);
    res.setHeader('Allow', 'POST');
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${path}`);
  }
  const known = path === HttpPath.health || path === HttpPath.readiness || path === WEBSOCKET_PATH || historySegment !== null;
  if (!known) return sendError(res, 404, 'NOT_FOUND', `no route for ${path}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET');
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${path}`);
  }

  if (path === HttpPath.health) {
    return sendJson(res, 200, { status: 'ok', instance_id: deps.instanceId, connections: deps.openConnections(), memory: memoryFigures() });
  }
  if (path === HttpPath.readiness) {
    const readiness = deps.readiness.readiness();
    return sendJson(res, READINESS_STATUS[readiness], { status: readiness, dependencies: deps.readiness.snapshot() });
  }
  if (path === WEBSOCKET_PATH) return sendError(res, 426, 'UPGRADE_REQUIRED', `${WEBSOCKET_PATH} accepts WebSocket upgrades only`);

  const auth = deps.authenticate(bearerToken(req.headers));
  if (!auth.ok) return sendError(res, auth.status, auth.code, auth.message);
  const threadId = parseThreadId(safeDecode(historySegment ?? ''));
  if (threadId === null) return sendError(res, 404, 'NOT_FOUND', 'thread not found');
  if (!deps.dependencies.isUp('postgres')) return sendError(res, 503, 'SERVICE_UNAVAILABLE', 'PostgreSQL is unavailable');
  try {
    const messages = await deps.chatStore.history(auth.user.userId, threadId);
    if (messages === null) return sendError(res, 404, 'NOT_FOUND', 'thread not found');
    return sendJson(res, 200, { thread_id: threadId, messages });
  } catch (err) {
    if (isDatabaseUnavailable(err)) return sendError(res, 503, 'SERVICE_UNAVAILABLE', 'PostgreSQL is unavailable');
    throw err;
  }
}

/**
 * Not in the protocol (extra fields are free): the process's memory, so a soak
 * can tell a leak in the heap from one outside it (buffers, sockets).
 */
function memoryFigures(): { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number; external_bytes: number } {
  const usage = process.memoryUsage();
  return { rss_bytes: usage.rss, heap_used_bytes: usage.heapUsed, heap_total_bytes: usage.heapTotal, external_bytes: usage.external };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes: not a UUID either, so it ends as 404
  }
}
