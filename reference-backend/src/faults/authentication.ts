import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { STATUS_CODES } from 'node:http';
import { CloseCode, Limits, Permission, RefusalStatus } from '../../../protocol/constants';
import type { TokenVerifier } from '../auth/jwt-verifier';
import { bearerToken, offeredSubprotocols, subprotocolToken } from '../auth/token-extraction';
import type { LocalConnections, LocalRunEventDelivery } from '../connection/local-connections';
import type { UserId } from '../domain/ids';
import { policyWith, sessionWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/** Faults of the area authentication: tokens, permissions, expiry (protocol §3). */

/** query_token_accepted: `?token=<jwt>` of the handshake URL (the protocol forbids reading it). */
export function queryToken(url: string | undefined): string | null {
  const token = new URL(url ?? '/', 'http://localhost').searchParams.get('token');
  return token === null || token === '' ? null : token;
}

/**
 * alg_none_accepted: an unsigned token (`"alg":"none"`, empty signature)
 * re-signed with HS256 and the secret, payload untouched — so that the real
 * verifier still checks every claim. Null for any other token.
 */
export function signedCopyOfUnsignedToken(token: string, secret: string): string | null {
  const decoded = jwt.decode(token, { complete: true });
  if (decoded === null || decoded.header.alg !== 'none' || decoded.signature !== '') return null;
  const [, payload] = token.split('.') as [string, string, string];
  const header = Buffer.from(JSON.stringify({ ...decoded.header, alg: 'HS256' })).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * signature_not_checked: an HS256 token re-signed with the secret, header and
 * payload untouched, so that the real verifier checks every claim but never
 * the signature the token came with. Null for a token that does not decode.
 */
export function resignedWithSecret(token: string, secret: string): string | null {
  const decoded = jwt.decode(token, { complete: true });
  if (decoded === null || decoded.header.alg !== 'HS256') return null;
  const [header, payload] = token.split('.') as [string, string, string];
  return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
}

/** user_id_sanitized: what is left of a user id once the characters outside the protocol's alphabet are removed. */
export function sanitizedUserId(sub: unknown): unknown {
  if (typeof sub !== 'string') return sub;
  return sub.replace(/[^A-Za-z0-9._:@-]/g, '').slice(0, Limits.maxUserIdLength);
}

/** read_not_required: a verifier whose tokens all grant read (the handshake then checks nothing but validity). */
function grantingRead(verifier: TokenVerifier): TokenVerifier {
  return {
    verify: (token) => {
      const verification = verifier.verify(token);
      if (!verification.ok) return verification;
      const granted: unknown[] = Array.isArray(verification.claims.permissions) ? (verification.claims.permissions as unknown[]) : [];
      return { ok: true, claims: { ...verification.claims, permissions: [...granted, Permission.Read] } };
    },
  };
}

/** case_insensitive_delivery: run events go to every local connection whose user id matches ignoring case. */
function deliveryIgnoringCase(local: LocalRunEventDelivery, connections: LocalConnections): LocalRunEventDelivery {
  const same = (a: UserId, b: UserId): boolean => a.toLowerCase() === b.toLowerCase();
  return {
    hasUser: (userId) => [...connections.everyone()].some((connection) => same(connection.userId, userId)) || local.hasUser(userId),
    deliver: (userId, runId, seq, frameText) => {
      for (const connection of connections.everyone()) if (same(connection.userId, userId)) connection.deliverRunEvent(runId, seq, frameText);
    },
  };
}

export const AUTHENTICATION_FAULTS = {
  accept_expired: () => ({ tokenRules: (rules) => ({ ...rules, refuseExpired: false }) }),

  alg_none_accepted: () => ({
    tokenVerifier: (verifier, { rules }) => ({
      verify: (token) => verifier.verify(signedCopyOfUnsignedToken(token, rules.secret) ?? token),
    }),
  }),

  any_hmac_accepted: () => ({ tokenRules: (rules) => ({ ...rules, algorithms: ['HS256', 'HS384', 'HS512'] }) }),

  ignore_audience: () => ({ tokenRules: (rules) => ({ ...rules, audience: null }) }),

  query_token_accepted: () => ({
    handshakeToken: (readToken) => (req) => readToken(req) ?? queryToken(req.url),
  }),

  refuse_after_upgrade: () => ({
    refuseHandshake: (refuse) => (handshake, refusal) => {
      if (refusal.status !== RefusalStatus.Unauthorized) return refuse(handshake, refusal);
      handshake.upgrade((ws) => ws.close(CloseCode.PolicyViolation, 'refused'));
    },
  }),

  no_expiry_close: () => ({ connectionPolicy: (policy) => policyWith(policy, { sessionEndsAt: () => null }) }),

  write_not_enforced: () => ({
    chatFrameHandler: (handler) => ({
      handle: (session, frame) => {
        const { user } = session;
        const everyoneWrites = sessionWith(session, { user: { ...user, permissions: new Set([...user.permissions, Permission.Write]) } });
        return handler.handle(frame.type === 'user_message' ? everyoneWrites : session, frame);
      },
    }),
  }),

  // The header is looked up as `Authorization`, but Node lower-cases header names: only the subprotocols count.
  header_token_ignored: () => ({ handshakeToken: () => (req) => subprotocolToken(offeredSubprotocols(req.headers)) }),

  subprotocol_not_selected: () => ({ subprotocolSelection: () => () => false }),

  subprotocol_wins: () => ({
    handshakeToken: () => (req) => subprotocolToken(offeredSubprotocols(req.headers)) ?? bearerToken(req.headers),
  }),

  signature_not_checked: () => ({
    tokenVerifier: (verifier, { rules }) => ({ verify: (token) => verifier.verify(resignedWithSecret(token, rules.secret) ?? token) }),
  }),

  ignore_not_before: () => ({ tokenRules: (rules) => ({ ...rules, refuseNotYetValid: false }) }),

  ignore_issuer: () => ({ tokenRules: (rules) => ({ ...rules, issuer: null }) }),

  user_id_sanitized: () => ({
    tokenVerifier: (verifier) => ({
      verify: (token) => {
        const verification = verifier.verify(token);
        return verification.ok ? { ok: true, claims: { ...verification.claims, sub: sanitizedUserId(verification.claims.sub) } } : verification;
      },
    }),
  }),

  case_insensitive_delivery: () => ({ localDelivery: (local, { connections }) => deliveryIgnoringCase(local, connections) }),

  read_not_required: () => ({ tokenVerifier: (verifier) => grantingRead(verifier) }),

  // As in many WebSocket examples: a bare status line, no content type, no body.
  bare_refusal: () => ({
    refuseHandshake: () => (handshake, refusal) => handshake.answerRaw(`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\n\r\n`),
  }),
} satisfies Record<string, FaultWrapper>;
