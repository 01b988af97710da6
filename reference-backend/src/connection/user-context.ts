import { Permission, RefusalStatus, USER_ID_PATTERN } from '../../../protocol/constants';
import type { TokenVerifier, VerifiedClaims } from '../auth/jwt-verifier';
import { parseUserId, type UserId } from '../domain/ids';

/** Who is on the other end of a connection or request, built once from a verified token. */
export interface UserContext {
  readonly userId: UserId;
  readonly permissions: ReadonlySet<Permission>;
  /** Token expiry, milliseconds since the epoch. */
  readonly expiresAtMs: number;
}

export type Authentication =
  | { readonly ok: true; readonly user: UserContext }
  | { readonly ok: false; readonly status: typeof RefusalStatus.Unauthorized | typeof RefusalStatus.Forbidden; readonly code: 'UNAUTHORIZED' | 'FORBIDDEN'; readonly message: string };

const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set<string>(Object.values(Permission));

/** Build the user context from verified claims; null when `sub` is not a valid user id. */
export function userContextFromClaims(claims: VerifiedClaims): UserContext | null {
  const userId = parseUserId(claims.sub);
  if (userId === null) return null;
  const permissions = new Set<Permission>();
  if (Array.isArray(claims.permissions)) {
    for (const p of claims.permissions) {
      if (typeof p === 'string' && KNOWN_PERMISSIONS.has(p)) permissions.add(p as Permission);
    }
  }
  return { userId, permissions, expiresAtMs: claims.exp * 1000 };
}

/**
 * The single authentication path shared by the WebSocket handshake and the
 * HTTP API: verify the token, build the context, require `read`.
 */
export function authenticate(verifier: TokenVerifier, token: string | null): Authentication {
  if (token === null) return unauthorized('missing bearer token');
  const verification = verifier.verify(token);
  if (!verification.ok) return unauthorized(`invalid token: ${verification.reason}`);
  const user = userContextFromClaims(verification.claims);
  if (user === null) return unauthorized(`invalid token: sub must match ${USER_ID_PATTERN.source}`);
  if (!user.permissions.has(Permission.Read)) {
    return { ok: false, status: RefusalStatus.Forbidden, code: 'FORBIDDEN', message: 'the token lacks the read permission' };
  }
  return { ok: true, user };
}

function unauthorized(message: string): Authentication {
  return { ok: false, status: RefusalStatus.Unauthorized, code: 'UNAUTHORIZED', message };
}
