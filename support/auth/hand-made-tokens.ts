import { createHmac, type KeyObject } from 'node:crypto';
import { base64url, type Claims } from './token-minter';

/**
 * The tokens jsonwebtoken refuses to produce, each derived by hand from a
 * token it signed: unsigned, tampered, undecodable, or naming an algorithm
 * other than the one that signed it. Nothing else in the suite touches a
 * token's bytes.
 */
function parts(token: string): [string, string, string] {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error(`not a signed JWT: ${token.slice(0, 40)}`);
  return [header, payload, signature];
}

/** "alg": "none" and no signature: the classic JWT bypass. */
export function unsigned(signed: string): string {
  const [, payload] = parts(signed);
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
}

/** Other claims under the original signature: a user editing her own token. */
export function withClaimsAltered(signed: string, claims: Claims): string {
  const [header, , signature] = parts(signed);
  return `${header}.${base64url(JSON.stringify(claims))}.${signature}`;
}

/** Characters outside base64url in every part: a token that does not even decode. */
export function undecodable(signed: string): string {
  return parts(signed).map((part) => `${part.slice(0, 8)}*!~${part.slice(8)}`).join('.');
}

/** A header naming `alg` over an HMAC-SHA256 signature with `secret`: the key-confusion attack. */
export function namingAlgorithm(signed: string, alg: string, secret: KeyObject): string {
  const [, payload] = parts(signed);
  const input = `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
