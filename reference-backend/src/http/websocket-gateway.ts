import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { JwtVerifier } from '../auth/jwt-verifier';
import { handshakeToken, JWT_AUTH_SUBPROTOCOL } from '../auth/token-extraction';
import type { ConnectionSlots } from '../connection/connection-slots';
import { authenticate, type UserContext } from '../connection/user-context';
import type { Logger } from '../logger';
import { refuseUpgrade } from './responses';

/** Protocol §8: a message over 64 KiB (after reassembly) is closed with 1009. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const WEBSOCKET_PATH = '/ws';

export interface WebSocketGatewayDeps {
  readonly verifier: JwtVerifier;
  readonly slots: ConnectionSlots;
  readonly isShuttingDown: () => boolean;
  /** Called synchronously with the upgraded socket. */
  readonly onConnection: (ws: WebSocket, user: UserContext) => void;
  readonly logger: Logger;
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
      maxPayload: MAX_MESSAGE_BYTES,
      clientTracking: false,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(JWT_AUTH_SUBPROTOCOL) ? JWT_AUTH_SUBPROTOCOL : false),
    });
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => this.deps.logger.warn(`upgrade socket error: ${err.message}`));
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WEBSOCKET_PATH) return refuseUpgrade(socket, 404, 'NOT_FOUND', `no WebSocket endpoint at ${path}`);
    if (this.deps.isShuttingDown()) return refuseUpgrade(socket, 503, 'SERVICE_UNAVAILABLE', 'the server is shutting down');

    const auth = authenticate(this.deps.verifier, handshakeToken(req.headers));
    if (!auth.ok) return refuseUpgrade(socket, auth.status, auth.code, auth.message);

    // Reserved synchronously, so a burst of handshakes cannot overshoot the limit.
    const release = this.deps.slots.tryReserve(auth.user.userId);
    if (release === null) {
      return refuseUpgrade(socket, 429, 'TOO_MANY_CONNECTIONS', 'more than 10 open connections for this user on this instance');
    }
    // Freed when the socket goes away, whether the upgrade completed or failed.
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.deps.onConnection(ws, auth.user));
  };
}
