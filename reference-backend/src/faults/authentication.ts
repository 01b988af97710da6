import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CloseCode, Permission, RefusalStatus } from '../../../protocol/constants';
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
} satisfies Record<string, FaultWrapper>;
