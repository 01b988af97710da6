import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, Limits, RefusalStatus, Subprotocol, WEBSOCKET_PATH } from '../../../protocol/constants';
import type { JwtVerifier } from '../auth/jwt-verifier';
import { handshakeToken, queryToken } from '../auth/token-extraction';
import type { ConnectionSlots } from '../connection/connection-slots';
import { authenticate, type UserContext } from '../connection/user-context';
import type { Faults } from '../faults';
import type { Logger } from '../logger';
import { refuseUpgrade } from './responses';

/** Only with the planted fault oversize_1011: ws's own limit, so the connection can close with 1011 itself. */
const OVERSIZE_FAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

export interface WebSocketGatewayDeps {
  readonly verifier: JwtVerifier;
  readonly slots: ConnectionSlots;
  readonly isShuttingDown: () => boolean;
  /** Called synchronously with the upgraded socket. */
  readonly onConnection: (ws: WebSocket, user: UserContext) => void;
  readonly logger: Logger;
  readonly faults: Faults;
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
      maxPayload: deps.faults.has('oversize_1011') ? OVERSIZE_FAULT_MAX_PAYLOAD : Limits.maxMessageBytes,
      clientTracking: false,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(Subprotocol.jwtAuth) ? Subprotocol.jwtAuth : false),
    });
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => this.deps.logger.warn(`upgrade socket error: ${err.message}`));
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WEBSOCKET_PATH) return refuseUpgrade(socket, 404, 'NOT_FOUND', `no WebSocket endpoint at ${path}`);
    if (this.deps.isShuttingDown()) return refuseUpgrade(socket, 503, 'SERVICE_UNAVAILABLE', 'the server is shutting down');

    const { faults } = this.deps;
    let token = handshakeToken(req.headers);
    if (token === null && faults.has('query_token_accepted')) token = queryToken(req.url);
    const auth = authenticate(this.deps.verifier, token);
    if (!auth.ok) {
      if (auth.status === RefusalStatus.Unauthorized && faults.has('refuse_after_upgrade')) return this.upgradeAndClose(req, socket, head, CloseCode.PolicyViolation);
      return refuseUpgrade(socket, auth.status, auth.code, auth.message);
    }

    // Reserved synchronously, so a burst of handshakes cannot overshoot the limit.
    const release = this.deps.slots.tryReserve(auth.user.userId);
    if (release === null) {
      if (faults.has('upgrade_then_close_when_full')) return this.upgradeAndClose(req, socket, head, CloseCode.InternalError);
      return refuseUpgrade(
        socket,
        RefusalStatus.TooManyConnections,
        'TOO_MANY_CONNECTIONS',
        `more than ${Limits.maxConnectionsPerUser} open connections for this user on this instance`,
      );
    }
    // Freed when the socket goes away, whether the upgrade completed or failed.
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.deps.onConnection(ws, auth.user));
  };

  /** Only for planted faults: a refusal after the 101 instead of before it. */
  private upgradeAndClose(req: IncomingMessage, socket: Duplex, head: Buffer, code: number): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, 'refused'));
  }
}
