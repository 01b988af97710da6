import { base64url } from './token-minter';

/** How a client presents its token during the WebSocket handshake. */
export type TokenForm = 'header' | 'subprotocol' | 'query';

export interface HandshakeCredentials {
  readonly headers: Record<string, string>;
  readonly protocols: string[];
  readonly query: string;
}

/** PROTOCOL §3: `Authorization: Bearer`, or subprotocols `jwt-auth` + `jwt.<base64url>`. */
export function presentToken(token: string | undefined, form: TokenForm): HandshakeCredentials {
  if (token === undefined) return { headers: {}, protocols: [], query: '' };
  switch (form) {
    case 'header':
      return { headers: { Authorization: `Bearer ${token}` }, protocols: [], query: '' };
    case 'subprotocol':
      return { headers: {}, protocols: ['jwt-auth', `jwt.${base64url(token)}`], query: '' };
    case 'query':
      return { headers: {}, protocols: [], query: `?token=${encodeURIComponent(token)}` };
  }
}
