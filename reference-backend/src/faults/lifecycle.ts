import { createServer, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import jwt from 'jsonwebtoken';
import { CloseCode, HttpPath, Permission, RefusalStatus, type ReadinessStatus } from '../../../protocol/constants';
import { ConfigError, CONFIG_ERROR_EXIT_CODE, type Config } from '../config';
import type { ClientConnection } from '../connection/client-connection';
import { userContextFromClaims } from '../connection/user-context';
import type { ReadinessView } from '../http/http-api';
import type { HistoryMessage } from '../storage/chat-store';
import { delay, TimeoutError, withTimeout } from '../util/timing';
import { chatStoreWith, leaseStoreWith, runEventsWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/**
 * Faults of the instance's life — configuration, startup, health, drain,
 * death — and of the history API (protocol §1, §2, §5's dead instances, §9).
 */

/** listens_before_config_check: how long the half-started process serves before it reports the configuration error. */
const SERVES_BEFORE_EXIT_MS = 1_500;
/** readiness_debounced: how long a new status must hold before /health/ready reports it. */
const READINESS_DEBOUNCE_MS = 8_000;
/** heartbeat_drops_everyone: the heartbeat's period; a connection missing two beats is taken for dead. */
const HEARTBEAT_MS = 1_000;
/** history_latest_50: the page size nobody asked for. */
const HISTORY_PAGE = 50;
/** slow_query_retried_forever: the per-attempt timeout, shorter than a slow database's round trip. */
const ACCEPT_ATTEMPT_MS = 700;

/** `res` with its JSON body rewritten by `rewrite` on the way out (Content-Length recomputed). */
function rewrittenBody(res: ServerResponse, rewrite: (body: string) => string): ServerResponse {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  let head: { status: number; headers: OutgoingHttpHeaders } = { status: 200, headers: {} };
  res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
    head = { status, headers: headers ?? {} };
    return res;
  }) as ServerResponse['writeHead'];
  res.end = ((chunk?: unknown) => {
    const body = rewrite(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '');
    writeHead(head.status, { ...head.headers, 'Content-Length': Buffer.byteLength(body) });
    return end(body);
  }) as ServerResponse['end'];
  return res;
}

const pathOf = (url: string | undefined): string => new URL(url ?? '/', 'http://localhost').pathname;

export const LIFECYCLE_FAULTS = {
  config_error_unnamed: () => ({
    // The problems are collected, then reported as one generic line.
    loadConfig: (load) => (env) => {
      try {
        return load(env);
      } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError([{ variable: 'the environment', message: 'is not a valid configuration' }]);
        throw err;
      }
    },
  }),

  listens_before_config_check: () => {
    // The platform's probe gets an answer first; the configuration is checked once the server is up.
    let refused: ConfigError | undefined;
    return {
      loadConfig: (load) => (env) => {
        try {
          return load(env);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          refused = err;
          return { host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 8080) } as Config;
        }
      },
      startServer: (start) => async (config, logger, decorators) => {
        if (refused === undefined) return start(config, logger, decorators);
        const problem = refused;
        const server = createServer((_req, res) => {
          res.writeHead(503, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ status: 'starting' }));
        });
        await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
        setTimeout(() => {
          for (const line of problem.lines()) process.stderr.write(`${line}\n`);
          process.exit(CONFIG_ERROR_EXIT_CODE);
        }, SERVES_BEFORE_EXIT_MS);
        return { url: `http://${config.host}:${config.port}`, port: config.port, shutdown: () => Promise.resolve() };
      },
    };
  },

  startup_migration_cached: () => ({
    // The first PostgreSQL probe (which makes the schema) is kept as a promise and awaited by every later probe.
    dependencyProbes: (probes) => {
      let startup: Promise<boolean> | undefined;
      return {
        ...probes,
        postgres: async () => {
          if (startup === undefined) {
            startup = probes.postgres().catch(() => false);
            return startup;
          }
          return (await startup) ? probes.postgres() : false;
        },
      };
    },
  }),

  drain_admits_handshakes: () => ({
    // The listener is closed only after the drain, and the upgrade path does not look at the drain.
    drainGate: (gate) => ({ ...gate, closesListener: false, refusesHandshakes: false }),
  }),

  drain_abandons_late_runs: () => ({
    // The grace period is waited for, then the process goes: runs still going are abandoned.
    runDrain: (drain) => ({ settle: (graceMs) => drain.settle(graceMs), abortRemaining: () => Promise.resolve() }),
  }),

  goodbye_1000: () => ({
    // "Closing normally" at shutdown: the sockets get 1000, as if the server had finished with them.
    drainGate: (gate) => ({ ...gate, goodbyeCode: CloseCode.Normal }),
  }),

  drain_accepts_questions: () => ({
    drainGate: (gate) => ({ ...gate, refusesQuestions: false }),
  }),

  shutdown_exits_1: () => ({
    // The last step of the shutdown throws (a pool closed twice), and main exits 1.
    startServer: (start) => async (config, logger, decorators) => {
      const server = await start(config, logger, decorators);
      return {
        ...server,
        shutdown: async () => {
          await server.shutdown();
          throw new Error('Cannot use a pool after calling end on the pool');
        },
      };
    },
  }),

  step_delay_thoughts_only: () => {
    // AGENT_STEP_DELAY_MS is applied after each thought, never to a tool call.
    let stepDelayMs = 0;
    return {
      loadConfig: (load) => (env) => {
        const config = load(env);
        stepDelayMs = config.agentStepDelayMs;
        return { ...config, agentStepDelayMs: 0 };
      },
      runEvents: (events) =>
        runEventsWith(events, {
          emit: async (type, data) => {
            await events.emit(type, data);
            if (type === 'agent_thinking') await delay(stepDelayMs);
          },
        }),
    };
  },

  instance_id_ignored: () => ({
    // The name is made up from the host and the process, whatever INSTANCE_ID says.
    loadConfig: (load) => (env) => ({ ...load(env), instanceId: `${hostname()}-${process.pid}` }),
  }),

  health_says_healthy: () => ({
    httpApi: (api) => (req, res) => api(req, pathOf(req.url) === HttpPath.health ? rewrittenBody(res, (body) => body.replace('"status":"ok"', '"status":"healthy"')) : res),
  }),

  ready_says_ok: () => ({
    httpApi: (api) => (req, res) => api(req, pathOf(req.url) === HttpPath.readiness ? rewrittenBody(res, (body) => body.replace('"status":"ready"', '"status":"ok"')) : res),
  }),

  // Readiness treats "PostgreSQL down" like "Redis down": degraded, still in rotation.
  unavailable_says_degraded: () => ({
    readinessView: (view) => ({ readiness: () => (view.readiness() === 'unavailable' ? 'degraded' : view.readiness()), snapshot: () => view.snapshot() }),
  }),

  readiness_debounced: () => ({
    readinessView: (view) => debounced(view, READINESS_DEBOUNCE_MS),
  }),

  heartbeat_drops_everyone: () => {
    // A heartbeat whose pong listener was never attached: every connection misses its beats and is terminated.
    const opened = new Map<ClientConnection, number>();
    let timer: NodeJS.Timeout | undefined;
    const beat = (): void => {
      for (const [connection, at] of opened) if (Date.now() - at >= 2 * HEARTBEAT_MS) connection.terminate();
    };
    return {
      openConnections: (connections) => ({
        add: (connection) => {
          connections.add(connection);
          opened.set(connection, Date.now());
          timer ??= setInterval(beat, HEARTBEAT_MS / 4).unref();
        },
        delete: (connection) => {
          connections.delete(connection);
          opened.delete(connection);
        },
        get count() {
          return connections.count;
        },
        all: () => connections.all(),
      }),
    };
  },

  no_sweeper: () => ({
    // A setTimeout where a setInterval was meant: the reaper's pass at startup is its only one.
    runReaper: (reaper) => {
      let swept = false;
      return {
        sweep: async () => {
          if (swept) return 0;
          swept = true;
          return reaper.sweep();
        },
      };
    },
  }),

  no_startup_sweep: () => ({
    // "Runs under my own name are mine": what this instance's previous life left open is never taken for dead.
    leaseStore: (store) =>
      leaseStoreWith(store, {
        orphanedRuns: async (owner, limit, presumedDead) => (await store.orphanedRuns(owner, limit, presumedDead)).filter((run) => run.ownerInstance !== owner.instanceId),
      }),
  }),

  slow_query_retried_forever: () => ({
    // Each attempt to accept a message is given less time than a slow database takes, and retried until one succeeds.
    chatStore: (store) =>
      chatStoreWith(store, {
        acceptUserMessage: async (input) => {
          for (;;) {
            try {
              return await withTimeout(store.acceptUserMessage(input), ACCEPT_ATTEMPT_MS, 'accepting a message');
            } catch (err) {
              if (!(err instanceof TimeoutError)) throw err;
            }
          }
        },
      }),
  }),

  history_latest_50: () => ({
    chatStore: (store) => chatStoreWith(store, { history: async (userId, threadId) => (await store.history(userId, threadId))?.slice(-HISTORY_PAGE) ?? null }),
  }),

  history_unordered: () => ({
    // Ordered by message_id (a random UUID) instead of the order of creation.
    chatStore: (store) =>
      chatStoreWith(store, {
        history: async (userId, threadId) => (await store.history(userId, threadId))?.sort((a, b) => a.message_id.localeCompare(b.message_id)) ?? null,
      }),
  }),

  assistant_role_agent: () => ({
    chatStore: (store) =>
      chatStoreWith(store, {
        history: async (userId, threadId) =>
          (await store.history(userId, threadId))?.map((message) => (message.role === 'assistant' ? ({ ...message, role: 'agent' } as unknown as HistoryMessage) : message)) ?? null,
      }),
  }),

  history_token_decoded: () => ({
    // "The gateway verified it already": the history API reads the token's claims without verifying the token.
    historyAuthentication: (authenticate) => (token) => {
      const claims = token === null ? null : jwt.decode(token, { json: true });
      if (claims === null || typeof claims.exp !== 'number') return authenticate(token);
      const user = userContextFromClaims({ sub: claims.sub, exp: claims.exp, permissions: claims['permissions'] });
      if (user === null) return authenticate(token);
      if (!user.permissions.has(Permission.Read)) return { ok: false, status: RefusalStatus.Forbidden, code: 'FORBIDDEN', message: 'the token lacks the read permission' };
      return { ok: true, user };
    },
  }),

  history_read_not_required: () => ({
    // A valid token is enough to read history; the read permission is checked on the socket only.
    historyAuthentication: (authenticate, { verifier }) => (token) => {
      const auth = authenticate(token);
      if (auth.ok || auth.status !== RefusalStatus.Forbidden || token === null) return auth;
      const verification = verifier.verify(token);
      const user = verification.ok ? userContextFromClaims(verification.claims) : null;
      return user === null ? auth : { ok: true, user };
    },
  }),
} satisfies Record<string, FaultWrapper>;

/** readiness_debounced: a status is reported only once it held for `holdMs` (asked for often enough to notice). */
function debounced(view: ReadinessView, holdMs: number): ReadinessView {
  let reported: { readiness: ReadinessStatus; snapshot: ReturnType<ReadinessView['snapshot']> } | undefined;
  let candidate: { readiness: ReadinessStatus; since: number } | undefined;
  const current = (): NonNullable<typeof reported> => {
    const now = { readiness: view.readiness(), snapshot: view.snapshot() };
    if (reported === undefined || now.readiness === reported.readiness) {
      reported = now;
      candidate = undefined;
    } else if (candidate?.readiness !== now.readiness) {
      candidate = { readiness: now.readiness, since: Date.now() };
    } else if (Date.now() - candidate.since >= holdMs) {
      reported = now;
      candidate = undefined;
    }
    return reported;
  };
  return { readiness: () => current().readiness, snapshot: () => current().snapshot };
}
