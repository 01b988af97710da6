import { Limits, TestTokens } from '../../../protocol/constants';
import { checkHttpBody } from '../../../protocol/schemas';
import { claimsOf } from '../../auth/hostile-tokens';
import { violation, type Judgement, type Violation } from '../../oracle/violation';
import type { TestTokenRequest } from '../../scenario/test-tokens';

/**
 * PROTOCOL §10, judged from the outside: what the test-token endpoint
 * answered the tester and the others who tried it.
 */
const seconds = (ms: number): number => ms / 1000;

/** The answer to a valid request with the key: 200 {token, expires_at}, the token for exactly the user, permissions and lifetime asked for. */
export function judgeTestToken(request: TestTokenRequest, receivedAt: number): Judgement {
  const violations: Violation[] = [];
  const { answer, grant } = request;
  const headline = `the tester asked for ${request.how} and got no such token`;
  if (grant === undefined) throw new Error(`"${request.how}" was not a request for a token: the scenario judges the wrong request`);
  if (answer.status !== 200) {
    violations.push(violation('GP-10.2', `the endpoint answered HTTP ${answer.status} ${answer.text.slice(0, 160)}: testers cannot sign test users in, so this deployment goes unchecked before release`));
    return { headline, evaluated: ['GP-10.2', 'GP-10.6'], violations };
  }
  if (answer.body === undefined) violations.push(violation('GP-10.6', `the answer is not JSON (${answer.text.slice(0, 120)}): a test runner cannot read the token out of it`));
  for (const breach of checkHttpBody('testTokenResponse', answer.body)) violations.push(violation('GP-10.2', `the answer breaks the published shape {token, expires_at} at ${breach.path}: ${breach.problem}`));
  const { token, expires_at: expiresAt } = (answer.body ?? {}) as { token?: unknown; expires_at?: unknown };
  if (typeof token !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return { headline, evaluated: ['GP-10.2', 'GP-10.6'], violations: [...violations, violation('GP-10.2', `the token ${JSON.stringify(token)?.slice(0, 60)} is not a signed JWT: no user can sign in with it`)] };
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: unknown };
  if (header.alg !== 'HS256') violations.push(violation('GP-10.2', `the token is signed with ${String(header.alg)}, not HS256 (§3): the chat itself must refuse it`));
  const claims = claimsOf(token);
  if (claims.sub !== grant.user.id) violations.push(violation('GP-10.2', `the token is for ${JSON.stringify(claims.sub)}, not ${grant.user.name} (${grant.user.id}): a tester signs in as someone else, and tests act on the wrong user's data`));
  const granted = Array.isArray(claims.permissions) ? [...(claims.permissions as unknown[])].map(String).sort() : claims.permissions;
  if (JSON.stringify(granted) !== JSON.stringify([...grant.permissions].sort())) {
    violations.push(violation('GP-10.2', `the token grants ${JSON.stringify(claims.permissions)}, not exactly ${JSON.stringify(grant.permissions)}: a token asked for as read-only can write, so the permission checks are tested with the wrong token`));
  }
  const exp = claims.exp;
  const earliest = Math.floor(seconds(request.sentAt)) + grant.expiresInSeconds - Limits.maxClockLeewaySeconds;
  const latest = Math.ceil(seconds(receivedAt)) + grant.expiresInSeconds + Limits.maxClockLeewaySeconds;
  if (typeof exp !== 'number' || exp < earliest || exp > latest) {
    violations.push(violation('GP-10.2', `the token expires at ${String(exp)}, not ${grant.expiresInSeconds} s after it was asked for (between ${earliest} and ${latest}): tests of expiry and long sessions measure the wrong lifetime`));
  } else if (typeof expiresAt !== 'string' || Math.abs(seconds(Date.parse(expiresAt)) - exp) >= 1) {
    violations.push(violation('GP-10.2', `expires_at ${JSON.stringify(expiresAt)} is not the token's own expiry (${new Date(exp * 1000).toISOString()}): a test runner renews its tokens at the wrong time`));
  }
  return { headline, evaluated: ['GP-10.2', 'GP-10.6'], violations };
}

/** What a refusal must be: its status, its rule, and the code of its error where the protocol names one. */
export interface TestTokenRefusal {
  readonly status: 400 | 401 | 404 | 429;
  readonly rule: string;
  readonly code?: string;
  /** What a minted token would mean here. */
  readonly ifServed: string;
}

export function judgeTestTokenRefused(request: TestTokenRequest, expected: TestTokenRefusal): Judgement {
  const { answer } = request;
  const violations: Violation[] = [];
  if (answer.status !== expected.status) {
    violations.push(violation(expected.rule, `${request.how} was answered HTTP ${answer.status} instead of ${expected.status}${answer.status === 200 ? `: ${expected.ifServed}` : ` ${answer.text.slice(0, 120)}`}`));
  } else if (expected.status !== 404) {
    if (checkHttpBody('errorBody', answer.body).length > 0) violations.push(violation('GP-10.6', `the refusal of ${request.how} is not the JSON {"error":{"code","message"}} of §3 (${answer.text.slice(0, 120)}): a test runner cannot tell the tester why it got no token`));
    const code = (answer.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (expected.code !== undefined && code !== undefined && code !== expected.code) violations.push(violation(expected.rule, `the refusal of ${request.how} says ${JSON.stringify(code)}, not ${expected.code}: the tester is not told the request itself is wrong`));
  }
  return { headline: `${request.how} was not refused as it must be`, evaluated: expected.status === 404 ? [expected.rule] : [expected.rule, 'GP-10.6'], violations };
}

/** More than TestTokens.maxRequestsPerMinute requests in a minute for one key: the ones over the limit get 429, the ones within it a token. */
export function judgeTokenFlood(requests: readonly TestTokenRequest[]): Judgement {
  const limit = TestTokens.maxRequestsPerMinute;
  const served = requests.filter((request) => request.answer.status === 200).length;
  const limited = requests.filter((request) => request.answer.status === 429);
  const other = requests.filter((request) => request.answer.status !== 200 && request.answer.status !== 429);
  const tookS = seconds(Math.max(...requests.map((request) => request.sentAt)) - Math.min(...requests.map((request) => request.sentAt)));
  const violations: Violation[] = [];
  if (limited.length === 0) violations.push(violation('GP-10.5', `all ${requests.length} token requests of one key within ${tookS.toFixed(1)} s were served: a leaked key mints tokens for any user without bound`));
  if (served < Math.min(limit, requests.length)) violations.push(violation('GP-10.5', `only ${served} of ${requests.length} token requests within ${tookS.toFixed(1)} s were served (the protocol allows ${limit} a minute): testers are refused before the limit and their runs fail`));
  if (other.length > 0) violations.push(violation('GP-10.5', `${other.length} token request(s) were answered neither 200 nor 429 but HTTP ${other[0]?.answer.status ?? ''} ${other[0]?.answer.text.slice(0, 100) ?? ''}`));
  const notJson = limited.find((request) => checkHttpBody('errorBody', request.answer.body).length > 0);
  if (notJson !== undefined) violations.push(violation('GP-10.6', `the 429 is not the JSON {"error":{"code","message"}} of §3 (${notJson.answer.text.slice(0, 120)}): a test runner cannot tell it is being slowed down`));
  return { headline: `a flood of ${requests.length} token requests was not slowed down as it must be`, evaluated: ['GP-10.5', 'GP-10.6'], violations };
}
