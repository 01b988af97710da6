import type { RequestListener } from 'node:http';
import type { ToolExecutor } from './agent/runtime/tool-registry';
import type { StartServer } from './app';
import type { TokenRules, TokenVerifier } from './auth/jwt-verifier';
import type { TestTokenIssuer, TestTokenRequestReader } from './auth/test-tokens';
import type { HandshakeTokenReader, SubprotocolSelection } from './auth/token-extraction';
import type { LoadConfig } from './config';
import type { ChatAvailability } from './connection/chat-availability';
import type { FrameHandler, TextFrameHandler } from './connection/frame-handling';
import type { ClientConnection, ConnectionLifecycle } from './connection/client-connection';
import type { ConnectionPolicy } from './connection/connection-policy';
import type { LocalConnections, LocalRunEventDelivery } from './connection/local-connections';
import type { OpenConnections } from './connection/open-connections';
import type { OutgoingFrames } from './connection/outgoing-frames';
import type { ClientFrameReader } from './frames/client-frames';
import type { DependencyStatusView } from './health/dependency-monitor';
import type { RefuseTestToken } from './http/test-token-route';
import type { RefuseHandshake } from './http/websocket-gateway';
import type { RunEventEncoder } from './runs/run-event-encoder';
import type { RunEvents, RunEventSink, RunIdentity } from './runs/run-events';
import type { ChatStore } from './storage/chat-store';
import type { Database } from './storage/database';
import type { RunStore } from './storage/run-store';
import type { LeaseStore } from './storage/lease-store';
import type { RunReaper } from './runs/run-reaper';
import type { DrainGate, RunDrain } from './lifecycle/drain';
import type { AuthenticateRequest, ReadinessView } from './http/http-api';
import type { HealthProbe } from './health/dependency-monitor';
import type { Dependency } from '../../protocol/constants';

/**
 * Wraps one component: gets it as the composition root built it (and the
 * parts it was built from, where a wrapper may need them) and returns what to
 * use instead. It must keep the component's interface.
 */
export type Decorator<T, Parts = Record<string, never>> = (component: T, parts: Parts) => T;

/**
 * The components the composition root (app.ts, main.ts) lets a caller wrap,
 * each where it is built. None is wrapped by default. The planted faults
 * (src/faults/) are made of these; so could tracing or metrics be.
 * Per-run components (runEventEncoder, runEvents) are wrapped once per run.
 */
export interface Decorators {
  /** How the configuration is read from the environment (main.ts). */
  readonly loadConfig?: Decorator<LoadConfig>;
  /** Starting the server, and what happens around it (main.ts). */
  readonly startServer?: Decorator<StartServer>;
  /** The rules a token is verified against. */
  readonly tokenRules?: Decorator<TokenRules>;
  readonly tokenVerifier?: Decorator<TokenVerifier, { readonly rules: TokenRules }>;
  /** Where a WebSocket handshake's token is read from. */
  readonly handshakeToken?: Decorator<HandshakeTokenReader>;
  /** Which offered subprotocol the 101 selects. */
  readonly subprotocolSelection?: Decorator<SubprotocolSelection>;
  /** How a refused WebSocket handshake is answered. */
  readonly refuseHandshake?: Decorator<RefuseHandshake>;
  readonly connectionPolicy?: Decorator<ConnectionPolicy>;
  readonly connectionLifecycle?: Decorator<ConnectionLifecycle>;
  /** Every upgraded connection: /health counts them, shutdown closes them. */
  readonly openConnections?: Decorator<OpenConnections<ClientConnection>>;
  readonly clientFrameReader?: Decorator<ClientFrameReader>;
  /** What is written on a connection for each server frame. */
  readonly outgoingFrames?: Decorator<OutgoingFrames>;
  /** A client text frame, when its turn comes on its connection. */
  readonly textFrameHandler?: Decorator<TextFrameHandler>;
  /** A valid client frame: user_message, resume, ping. */
  readonly chatFrameHandler?: Decorator<FrameHandler, { readonly isShuttingDown: () => boolean }>;
  /** Whether a user_message can be taken now. */
  readonly chatAvailability?: Decorator<ChatAvailability, { readonly dependencies: DependencyStatusView }>;
  readonly chatStore?: Decorator<ChatStore, { readonly db: Database }>;
  readonly runStore?: Decorator<RunStore, { readonly db: Database }>;
  /** One run's numbering and serialization of its events. */
  readonly runEventEncoder?: Decorator<RunEventEncoder, { readonly run: RunIdentity }>;
  /** One run's events, as its agent emits them. */
  readonly runEvents?: Decorator<RunEvents, { readonly run: RunIdentity }>;
  /** How a run's tool calls are executed. */
  readonly toolExecutor?: Decorator<ToolExecutor>;
  /** Delivery of run events to this instance's connections of a user. */
  readonly localDelivery?: Decorator<LocalRunEventDelivery, { readonly connections: LocalConnections }>;
  /** Where run events go live: local connections and other instances. */
  readonly runEventSink?: Decorator<RunEventSink, { readonly local: LocalRunEventDelivery; readonly connections: LocalConnections }>;
  /** The plain HTTP routes. */
  readonly httpApi?: Decorator<RequestListener>;
  /** PROTOCOL §10 (only with E2E_TOKEN_KEY): the key check, its rate limit and the minting of test tokens. */
  readonly testTokenIssuer?: Decorator<TestTokenIssuer>;
  /** How a test-token request body is read and checked. */
  readonly testTokenRequestReader?: Decorator<TestTokenRequestReader>;
  /** How a refused test-token request is answered. */
  readonly refuseTestToken?: Decorator<RefuseTestToken>;
  /** Instance leases and the runs of dead instances (protocol §5). */
  readonly leaseStore?: Decorator<LeaseStore, { readonly db: Database }>;
  /** One pass over the runs of dead instances: at startup, then every tick of the lease. */
  readonly runReaper?: Decorator<RunReaper>;
  /** How PostgreSQL and Redis are probed (the PostgreSQL probe also makes the schema). */
  readonly dependencyProbes?: Decorator<Readonly<Record<Dependency, HealthProbe>>>;
  /** What /health/ready tells. */
  readonly readinessView?: Decorator<ReadinessView>;
  /** Who a history request comes from. */
  readonly historyAuthentication?: Decorator<AuthenticateRequest, { readonly verifier: TokenVerifier }>;
  /** What a draining instance refuses. */
  readonly drainGate?: Decorator<DrainGate>;
  /** The runs' part of a drain: let them finish, then end the rest. */
  readonly runDrain?: Decorator<RunDrain>;
}

export const NO_DECORATORS: Decorators = {};

/** `component` wrapped by `decorator`, or as it is when there is none. */
export function decorate<T, Parts>(decorator: Decorator<T, Parts> | undefined, component: T, parts: Parts): T {
  return decorator === undefined ? component : decorator(component, parts);
}

type AnyDecorator = (component: unknown, parts: unknown) => unknown;

/** Several sets of decorators as one: where two wrap the same component, the earlier one is inside. */
export function composeDecorators(sets: readonly Decorators[]): Decorators {
  const composed: Partial<Record<keyof Decorators, AnyDecorator>> = {};
  for (const set of sets) {
    for (const key of Object.keys(set) as (keyof Decorators)[]) {
      const outer = set[key] as AnyDecorator | undefined;
      if (outer === undefined) continue;
      const inner = composed[key];
      composed[key] = inner === undefined ? outer : (component, parts) => outer(inner(component, parts), parts);
    }
  }
  return composed as Decorators;
}
