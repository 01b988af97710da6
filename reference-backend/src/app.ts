import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { Timing } from '../../protocol/constants';
import {
  analyseCostBreakdownTool,
  extractSpendFiguresTool,
  lookupSpendHistoryTool,
  recommendOptimizationsTool,
} from './agent/advisor/spend-tools';
import { createAgentModel } from './agent/models';
import { ToolRegistry } from './agent/runtime/tool-registry';
import { JwtVerifier, protocolTokenRules } from './auth/jwt-verifier';
import { JwtTestTokenIssuer, readTestTokenRequest } from './auth/test-tokens';
import { headerOrSubprotocolToken, selectJwtAuth } from './auth/token-extraction';
import { INSTANCE_SILENCE_MS, type Config } from './config';
import { postgresRequired } from './connection/chat-availability';
import { ChatFrameHandler } from './connection/chat-frame-handler';
import { ClientConnection, type ConnectionLifecycle } from './connection/client-connection';
import { protocolConnectionPolicy } from './connection/connection-policy';
import { framesAsSent } from './connection/outgoing-frames';
import { ConnectionSlots } from './connection/connection-slots';
import { ClientFrameDispatcher } from './connection/frame-handling';
import { LocalConnections } from './connection/local-connections';
import { OpenConnectionSet } from './connection/open-connections';
import { authenticate, type UserContext } from './connection/user-context';
import { decorate, NO_DECORATORS, type Decorators } from './decorators';
import { clientFrameReader } from './frames/client-frames';
import { DependencyMonitor } from './health/dependency-monitor';
import { createHttpApi } from './http/http-api';
import { refuseTestTokenWithJson } from './http/test-token-route';
import { answerBeforeUpgrade, WebSocketGateway } from './http/websocket-gateway';
import { describeError, type Logger } from './logger';
import { RedisBus } from './realtime/redis-bus';
import { RunEventFanout } from './realtime/run-event-fanout';
import { SequentialRunEventEncoder } from './runs/run-event-encoder';
import { RunEventEmitter } from './runs/run-event-emitter';
import type { RunIdentity } from './runs/run-events';
import { RunManager } from './runs/run-manager';
import { InstanceLease, LeaseRunReaper } from './runs/run-reaper';
import { PostgresLeaseStore, type RunOwner } from './storage/lease-store';
import { PostgresChatStore } from './storage/chat-store';
import { Database } from './storage/database';
import { PostgresRunStore } from './storage/run-store';
import { migrateSchema } from './storage/schema';
import { PROTOCOL_DRAIN } from './lifecycle/drain';
import { delay, withTimeout } from './util/timing';

/** Shutdown: how much of the protocol's drain bound is kept for announcing the failed runs. */
const SHUTDOWN_DRAIN_MARGIN_MS = 1000;
/** Shutdown: in-flight runs get this long before they are ended with an error (the protocol allows up to 10 s). */
const SHUTDOWN_RUN_GRACE_MS = Timing.shutdownDrainMs - SHUTDOWN_DRAIN_MARGIN_MS;
/** Shutdown: how long clients get to answer our 1001 close frame. */
const SHUTDOWN_CLOSE_HANDSHAKE_MS = 1500;
/** Shutdown: how long closing the PostgreSQL pool may take. */
const SHUTDOWN_POOL_CLOSE_MS = 1000;
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

export type StartServer = (config: Config, logger: Logger, decorators?: Decorators) => Promise<RunningServer>;

/**
 * Composition root: build every component, wire them, listen. `decorators`
 * may wrap components where they are built (see decorators.ts); by default
 * none is.
 */
export const startServer: StartServer = async (config, logger, decorators = NO_DECORATORS) => {
  const db = new Database(config.databaseUrl, logger, `golden-path ${config.instanceId}`);
  const chatStore = decorate(decorators.chatStore, new PostgresChatStore(db), { db });
  const runStore = decorate(decorators.runStore, new PostgresRunStore(db), { db });
  const leaseStore = decorate(decorators.leaseStore, new PostgresLeaseStore(db), { db });
  // This process's life under the instance's name: its runs, and its lease on them.
  const owner: RunOwner = { instanceId: config.instanceId, incarnation: randomUUID(), leaseMs: config.runLeaseMs, silenceMs: INSTANCE_SILENCE_MS };

  const connections = new LocalConnections();
  const localDelivery = decorate(decorators.localDelivery, connections, { connections });
  const bus: RedisBus = new RedisBus(config.redisUrl, config.redisKeyPrefix, config.instanceId, (event) => fanout.deliverRemote(event), logger);
  const fanout = new RunEventFanout(localDelivery, bus);
  const sink = decorate(decorators.runEventSink, fanout, { local: localDelivery, connections });

  let schemaReady = false;
  const monitor = new DependencyMonitor(decorate(decorators.dependencyProbes, {
    postgres: async () => {
      if (!schemaReady) {
        await migrateSchema(db);
        schemaReady = true;
      } else {
        await db.probe();
      }
      db.keepWarm();
      return true;
    },
    redis: () => bus.ping(),
  }, {}));

  const tools = new ToolRegistry([extractSpendFiguresTool, lookupSpendHistoryTool(chatStore), analyseCostBreakdownTool, recommendOptimizationsTool]);
  const model = createAgentModel(config.agentModel, { tools: tools.list() });
  const runs = new RunManager({
    runStore,
    eventsOf: (run: RunIdentity) => {
      const encoder = decorate(decorators.runEventEncoder, new SequentialRunEventEncoder(run), { run });
      return decorate(decorators.runEvents, new RunEventEmitter(run, runStore, sink, encoder), { run });
    },
    model,
    tools: decorate(decorators.toolExecutor, tools, {}),
    stepDelayMs: config.agentStepDelayMs,
    owner,
    logger,
  });
  const runDrain = decorate(decorators.runDrain, runs, {});
  const reaper = decorate(decorators.runReaper, new LeaseRunReaper({ leases: leaseStore, liveness: bus, owner, sink: fanout, agentName: model.name, logger }), {});
  const lease = new InstanceLease({ leases: leaseStore, liveness: bus, reaper, owner, storageReady: () => schemaReady, logger });

  let shuttingDown = false;
  const drainGate = decorate(decorators.drainGate, PROTOCOL_DRAIN, {});
  const isShuttingDown = (): boolean => shuttingDown && drainGate.refusesQuestions;
  const refusesHandshakes = (): boolean => shuttingDown && drainGate.refusesHandshakes;
  const chatHandler = new ChatFrameHandler({
    chatStore,
    runStore,
    runs,
    availability: decorate(decorators.chatAvailability, postgresRequired(monitor), { dependencies: monitor }),
    dependencies: monitor,
    isShuttingDown,
  });
  const textHandler = decorate(
    decorators.textFrameHandler,
    new ClientFrameDispatcher(
      decorate(decorators.clientFrameReader, clientFrameReader, {}),
      decorate(decorators.chatFrameHandler, chatHandler, { isShuttingDown }),
      logger,
    ),
    {},
  );

  const openConnections = decorate(decorators.openConnections, new OpenConnectionSet<ClientConnection>(), {});
  const lifecycle = decorate<ConnectionLifecycle, Record<string, never>>(
    decorators.connectionLifecycle,
    {
      opened: (connection) => openConnections.add(connection),
      prepare: async () => {
        // The instance's one Redis subscription covers every user: no per-connection Redis command. Only
        // right after Redis came back may it still be on its way; then wait for it (bounded) while Redis counts as up.
        const subscription = monitor.isUp('redis') ? bus.subscriptionPending(SUBSCRIPTION_WAIT_MS) : undefined;
        if (subscription !== undefined) await subscription;
        return monitor.down();
      },
      established: (connection) => connections.add(connection),
      closed: (connection) => {
        openConnections.delete(connection);
        connections.remove(connection);
      },
    },
    {},
  );
  const policy = decorate(decorators.connectionPolicy, protocolConnectionPolicy, {});
  const outgoing = decorate(decorators.outgoingFrames, framesAsSent, {});

  const rules = decorate(decorators.tokenRules, protocolTokenRules(config.jwt), {});
  const verifier = decorate(decorators.tokenVerifier, new JwtVerifier(rules), { rules });
  const gateway = new WebSocketGateway({
    verifier,
    slots: new ConnectionSlots(),
    isShuttingDown: refusesHandshakes,
    logger,
    maxMessageBytes: policy.maxMessageBytes,
    readToken: decorate(decorators.handshakeToken, headerOrSubprotocolToken, {}),
    refuse: decorate(decorators.refuseHandshake, answerBeforeUpgrade, {}),
    selectSubprotocol: decorate(decorators.subprotocolSelection, selectJwtAuth, {}),
    onConnection: (ws: WebSocket, user: UserContext) => new ClientConnection(ws, user, { textHandler, lifecycle, policy, outgoing, logger }).start(),
  });

  const testTokens =
    config.testTokenKey === undefined
      ? undefined
      : {
          issuer: decorate(decorators.testTokenIssuer, new JwtTestTokenIssuer(config.testTokenKey, config.jwt), {}),
          readRequest: decorate(decorators.testTokenRequestReader, readTestTokenRequest, {}),
          refuse: decorate(decorators.refuseTestToken, refuseTestTokenWithJson, {}),
        };
  const server = createServer(
    decorate(
      decorators.httpApi,
      createHttpApi({
        instanceId: config.instanceId,
        openConnections: () => openConnections.count,
        readiness: decorate(decorators.readinessView, monitor, {}),
        dependencies: monitor,
        authenticate: decorate(decorators.historyAuthentication, (token: string | null) => authenticate(verifier, token), { verifier }),
        chatStore,
        logger,
        testTokens,
      }),
      {},
    ),
  );
  server.on('upgrade', gateway.handleUpgrade);
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy(err);
  });

  // Know the dependencies before the first client arrives, without letting a dead one delay startup for long.
  await withTimeout(monitor.checkNow(), STARTUP_CHECK_MS, 'startup dependency check').catch((err: unknown) =>
    logger.warn(describeError(err)),
  );
  monitor.start();
  for (const [dependency, status] of Object.entries(monitor.snapshot())) {
    if (status === 'down') logger.warn(`${dependency} is unavailable at startup; serving degraded and retrying`);
  }
  // Before serving: take the lease, and end what dead instances — this one's previous life first — left open (protocol §5).
  await withTimeout(lease.start(), STARTUP_CHECK_MS, 'startup lease and sweep').catch((err: unknown) => logger.warn(describeError(err)));

  await listen(server, config.host, config.port);
  const port = (server.address() as AddressInfo).port;

  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      shuttingDown = true;
      if (drainGate.closesListener) server.close();
      server.closeIdleConnections();
      await runDrain.settle(SHUTDOWN_RUN_GRACE_MS);
      await runDrain.abortRemaining();
      await withTimeout(lease.release(), SHUTDOWN_POOL_CLOSE_MS, 'releasing the instance lease').catch((err: unknown) => logger.warn(describeError(err)));
      const open = openConnections.all();
      for (const connection of open) connection.close(drainGate.goodbyeCode, 'server shutting down');
      await Promise.race([Promise.all(open.map((c) => c.closed())), delay(SHUTDOWN_CLOSE_HANDSHAKE_MS)]);
      for (const connection of openConnections.all()) connection.terminate();
      monitor.stop();
      await bus.close();
      await withTimeout(db.close(), SHUTDOWN_POOL_CLOSE_MS, 'closing the PostgreSQL pool').catch((err: unknown) => logger.warn(describeError(err)));
    })();
    return shutdownPromise;
  };

  return { url: `http://${config.host}:${port}`, port, shutdown };
};

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
