import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Limits, RefusalStatus, WEBSOCKET_PATH } from '../../../protocol/constants';
import type { TokenVerifier } from '../auth/jwt-verifier';
import type { HandshakeTokenReader, SubprotocolSelection } from '../auth/token-extraction';
import type { ConnectionSlots } from '../connection/connection-slots';
import { authenticate, type UserContext } from '../connection/user-context';
import type { Logger } from '../logger';
import { answerUpgradeWith, refuseUpgrade, type HttpErrorCode } from './responses';

/** Why a handshake is not upgraded: the HTTP answer it gets. */
export interface HandshakeRefusal {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly message: string;
}

/** A handshake the gateway decided to refuse, and what can be done with it. */
export interface RefusedHandshake {
  readonly req: IncomingMessage;
  /** Answer with an HTTP error response before any upgrade: the protocol's way (§3). */
  answer(refusal: HandshakeRefusal): void;
  /** Answer with this raw HTTP response (status line, headers, body) before any upgrade, and close. */
  answerRaw(response: string): void;
  /** Upgrade it after all (101) and hand over the socket. */
  upgrade(onSocket: (ws: WebSocket) => void): void;
}

/** How a refused handshake is answered; by default with the refusal, before the upgrade. */
export type RefuseHandshake = (handshake: RefusedHandshake, refusal: HandshakeRefusal) => void;

export const answerBeforeUpgrade: RefuseHandshake = (handshake, refusal) => handshake.answer(refusal);

export interface WebSocketGatewayDeps {
  readonly verifier: TokenVerifier;
  readonly slots: ConnectionSlots;
  readonly isShuttingDown: () => boolean;
  /** Called synchronously with the upgraded socket. */
  readonly onConnection: (ws: WebSocket, user: UserContext) => void;
  readonly logger: Logger;
  /** The largest message accepted, after reassembly; ws closes with 1009 beyond. */
  readonly maxMessageBytes: number;
  readonly readToken: HandshakeTokenReader;
  readonly refuse: RefuseHandshake;
  readonly selectSubprotocol: SubprotocolSelection;
}

/**
 * The HTTP upgrade path: every check happens BEFORE the 101 — path, token,
 * `read` permission, per-user connection slot. A refused client gets a JSON
 * error response and a closed socket, never a WebSocket.
 */
export class WebSocketGateway {
  private readonly wss: WebSocketServer;

  constructor(private readonly deps: WebSocketGatewayDeps) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.maxMessageBytes,
      clientTracking: false,
      perMessageDeflate: false,
      handleProtocols: (protocols) => deps.selectSubprotocol(protocols),
    });
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => this.deps.logger.warn(`upgrade socket error: ${err.message}`));
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WEBSOCKET_PATH) return this.refuse(req, socket, head, { status: 404, code: 'NOT_FOUND', message: `no WebSocket endpoint at ${path}` });
    if (this.deps.isShuttingDown()) {
      return this.refuse(req, socket, head, { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'the server is shutting down' });
    }

    const auth = authenticate(this.deps.verifier, this.deps.readToken(req));
    if (!auth.ok) return this.refuse(req, socket, head, auth);

    // Reserved synchronously, so a burst of handshakes cannot overshoot the limit.
    const release = this.deps.slots.tryReserve(auth.user.userId);
    if (release === null) {
      return this.refuse(req, socket, head, {
        status: RefusalStatus.TooManyConnections,
        code: 'TOO_MANY_CONNECTIONS',
        message: `more than ${Limits.maxConnectionsPerUser} open connections for this user on this instance`,
      });
    }
    // Freed when the socket goes away, whether the upgrade completed or failed.
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.deps.onConnection(ws, auth.user));
  };

  private refuse(req: IncomingMessage, socket: Duplex, head: Buffer, refusal: HandshakeRefusal): void {
    this.deps.refuse(
      {
        req,
        answer: ({ status, code, message }) => refuseUpgrade(socket, status, code, message),
        answerRaw: (response) => answerUpgradeWith(socket, response),
        upgrade: (onSocket) => this.wss.handleUpgrade(req, socket, head, onSocket),
      },
      refusal,
    );
  }
}
