import { createServer, type Server } from 'node:http';
import { CloseCode, Timing } from '../../protocol/constants';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { ToolRegistry } from './agent/runtime/tool-registry';
import {
  analyseCostBreakdownTool,
  extractSpendFiguresTool,
  lookupSpendHistoryTool,
  recommendOptimizationsTool,
} from './agent/advisor/spend-tools';
import { createAgentModel } from './agent/models';
import { JwtVerifier } from './auth/jwt-verifier';
import type { Config } from './config';
import { ChatFrameHandler } from './connection/chat-frame-handler';
import { ClientConnection, type ConnectionLifecycle } from './connection/client-connection';
import { ConnectionSlots } from './connection/connection-slots';
import { LocalConnections } from './connection/local-connections';
import { UpgradeBurst } from './connection/upgrade-burst';
import type { UserContext } from './connection/user-context';
import type { Faults } from './faults';
import { DependencyMonitor } from './health/dependency-monitor';
import { createHttpApi } from './http/http-api';
import { WebSocketGateway } from './http/websocket-gateway';
import { describeError, type Logger } from './logger';
import { RedisBus } from './realtime/redis-bus';
import { RunEventFanout } from './realtime/run-event-fanout';
import { RunManager } from './runs/run-manager';
import { ChatStore } from './storage/chat-store';
import { Database, isDatabaseUnavailable } from './storage/database';
import { RunStore } from './storage/run-store';
import { migrateSchema, migrateSchemaWithoutLock } from './storage/schema';
import { delay, withTimeout } from './util/timing';

/** Shutdown: how much of the protocol's drain bound is kept for announcing the failed runs. */
const SHUTDOWN_DRAIN_MARGIN_MS = 1000;
/** Shutdown: in-flight runs get this long before they are ended with an error (the protocol allows up to 10 s). */
const SHUTDOWN_RUN_GRACE_MS = Timing.shutdownDrainMs - SHUTDOWN_DRAIN_MARGIN_MS;
/** Shutdown: how long clients get to answer our 1001 close frame. */
const SHUTDOWN_CLOSE_HANDSHAKE_MS = 1500;
/** Startup: how long the first dependency check may delay listening. */
const STARTUP_CHECK_MS = 1500;
/** Connection setup: how long it waits for the instance's Redis subscription still on its way after a reconnect. */
const SUBSCRIPTION_WAIT_MS = 500;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Graceful shutdown (idempotent). */
  shutdown(): Promise<void>;
}

/** Composition root: build every component, wire them, listen. */
export async function startServer(config: Config, faults: Faults, logger: Logger): Promise<RunningServer> {
  const db = new Database(config.databaseUrl, logger, `golden-path ${config.instanceId}`);
  const chatStore = new ChatStore(db, faults);
  const runStore = new RunStore(db, faults);

  const connections = new LocalConnections();
  const bus: RedisBus = new RedisBus(config.redisUrl, config.redisKeyPrefix, config.instanceId, (event) => fanout.deliverRemote(event), logger);
  const fanout = new RunEventFanout(connections, bus, faults);

  let schemaReady = false;
  const monitor = new DependencyMonitor({
    postgres: async () => {
      if (!schemaReady) {
        await migrateSchema(db);
        schemaReady = true;
      } else {
        await db.query('SELECT 1');
      }
      db.keepWarm();
      return true;
    },
    redis: () => bus.ping(),
  });

  const tools = new ToolRegistry([extractSpendFiguresTool, lookupSpendHistoryTool(chatStore), analyseCostBreakdownTool, recommendOptimizationsTool]);
  const runs = new RunManager({
    runStore,
    sink: fanout,
    model: createAgentModel(config.agentModel, { tools: tools.list() }),
    tools,
    faults,
    stepDelayMs: config.agentStepDelayMs,
    instanceId: config.instanceId,
    logger,
  });

  let shuttingDown = false;
  const isShuttingDown = (): boolean => shuttingDown;
  const frameHandler = new ChatFrameHandler({ chatStore, runStore, runs, monitor, isShuttingDown, faults });

  /** Every upgraded connection, established or still setting up. */
  const liveConnections = new Set<ClientConnection>();
  /** Only with the planted fault connection_count_leak: closed connections still counted by /health. */
  let leakedConnections = 0;
  const burst = faults.has('burst_1011') ? new UpgradeBurst() : null;
  const lifecycle: ConnectionLifecycle = {
    prepare: async () => {
      // The instance's one Redis subscription covers every user: no per-connection Redis command. Only
      // right after Redis came back may it still be on its way; then wait for it (bounded) while Redis counts as up.
      const subscription = monitor.isUp('redis') ? bus.subscriptionPending(SUBSCRIPTION_WAIT_MS) : undefined;
      if (subscription !== undefined) await subscription;
      return faults.has('degraded_hidden') ? [] : monitor.down();
    },
    established: (connection) => {
      connections.add(connection);
      if (burst?.pickEstablished() === true) connection.close(CloseCode.InternalError, 'internal error');
    },
    closed: (connection) => {
      if (faults.has('connection_count_leak')) leakedConnections += 1;
      liveConnections.delete(connection);
      connections.remove(connection);
    },
  };

  const verifier = new JwtVerifier(config.jwt, faults);
  const gateway = new WebSocketGateway({
    verifier,
    slots: new ConnectionSlots(),
    isShuttingDown,
    logger,
    faults,
    onConnection: (ws: WebSocket, user: UserContext) => {
      burst?.recordUpgrade();
      const connection = new ClientConnection(ws, user, frameHandler, lifecycle, logger, faults);
      liveConnections.add(connection);
      connection.start();
    },
  });

  const server = createServer(
    createHttpApi({
      instanceId: config.instanceId,
      openConnections: () => liveConnections.size + leakedConnections,
      monitor,
      verifier,
      chatStore,
      logger,
      faults,
    }),
  );
  server.on('upgrade', gateway.handleUpgrade);
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy(err);
  });

  if (faults.has('migration_race')) {
    // Planted fault: migrate at startup without the lock; a collision with another instance is fatal.
    try {
      await migrateSchemaWithoutLock(db);
      schemaReady = true;
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
    }
  }
  // Know the dependencies before the first client arrives, without letting a dead one delay startup for long.
  await withTimeout(monitor.checkNow(), STARTUP_CHECK_MS, 'startup dependency check').catch((err: unknown) =>
    logger.warn(describeError(err)),
  );
  monitor.start();
  for (const [dependency, status] of Object.entries(monitor.snapshot())) {
    if (status === 'down') logger.warn(`${dependency} is unavailable at startup; serving degraded and retrying`);
  }

  await listen(server, config.host, config.port);
  const port = (server.address() as AddressInfo).port;

  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      shuttingDown = true;
      server.close();
      server.closeIdleConnections();
      await runs.drain(SHUTDOWN_RUN_GRACE_MS);
      const open = [...liveConnections];
      for (const connection of open) connection.close(CloseCode.GoingAway, 'server shutting down');
      await Promise.race([Promise.all(open.map((c) => c.closed())), delay(SHUTDOWN_CLOSE_HANDSHAKE_MS)]);
      for (const connection of liveConnections) connection.terminate();
      monitor.stop();
      await bus.close();
      await withTimeout(db.close(), 1000, 'closing the PostgreSQL pool').catch((err: unknown) => logger.warn(describeError(err)));
    })();
    return shutdownPromise;
  };

  return { url: `http://${config.host}:${port}`, port, shutdown };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
