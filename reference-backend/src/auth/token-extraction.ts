import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Subprotocol } from '../../../protocol/constants';

/** `Authorization: Bearer <jwt>`; null when absent or another scheme. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const value = headers.authorization;
  if (value === undefined) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  return match ? (match[1] as string) : null;
}

export function offeredSubprotocols(headers: IncomingHttpHeaders): string[] {
  const raw = headers['sec-websocket-protocol'];
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * Token carried as subprotocols `jwt-auth` + `jwt.<base64url(jwt)>`; both must
 * be offered. Null otherwise.
 */
export function subprotocolToken(protocols: readonly string[]): string | null {
  if (!protocols.includes(Subprotocol.jwtAuth)) return null;
  const carrier = protocols.find((p) => p.startsWith(Subprotocol.tokenPrefix));
  if (carrier === undefined) return null;
  const encoded = carrier.slice(Subprotocol.tokenPrefix.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  const token = Buffer.from(encoded, 'base64url').toString('utf8');
  return token === '' ? null : token;
}

/**
 * The token of a WebSocket handshake: the Authorization header wins over the
 * subprotocols when both are present. The query string is never consulted.
 */
export function handshakeToken(headers: IncomingHttpHeaders): string | null {
  if (headers.authorization !== undefined) return bearerToken(headers);
  return subprotocolToken(offeredSubprotocols(headers));
}

/** Where the gateway reads a handshake's token from: by default handshakeToken(req.headers). */
export type HandshakeTokenReader = (req: IncomingMessage) => string | null;

export const headerOrSubprotocolToken: HandshakeTokenReader = (req) => handshakeToken(req.headers);

/** Which of the offered subprotocols the server selects in its 101, or false for none. */
export type SubprotocolSelection = (offered: ReadonlySet<string>) => string | false;

/** Protocol §3: with the token in the subprotocols, the server selects `jwt-auth`. */
export const selectJwtAuth: SubprotocolSelection = (offered) => (offered.has(Subprotocol.jwtAuth) ? Subprotocol.jwtAuth : false);
