import { Permission } from '../../../protocol/constants';
import type { FaultWrapper } from './fault-wrapper';

/** Faults of the area test_tokens: POST /auth/test-token (PROTOCOL §10, optional). */

/** test_tokens_always_on: the key a developer once hard-coded "for local testing". */
export const BUILT_IN_TEST_TOKEN_KEY = 'local-testing-only-e2e-token-key-0000';

export const TEST_TOKEN_FAULTS = {
  test_tokens_always_on: () => ({
    loadConfig: (load) => (env) => {
      const config = load(env);
      return { ...config, testTokenKey: config.testTokenKey ?? BUILT_IN_TEST_TOKEN_KEY };
    },
  }),

  test_token_key_not_checked: () => ({
    testTokenIssuer: (issuer) => ({ keyMatches: () => true, admit: (now) => issuer.admit(now), issue: (request, now) => issuer.issue(request, now) }),
  }),

  test_token_permissions_ignored: () => ({
    testTokenIssuer: (issuer) => ({
      keyMatches: (key) => issuer.keyMatches(key),
      admit: (now) => issuer.admit(now),
      issue: (request, now) => issuer.issue({ ...request, permissions: [Permission.Read, Permission.Write] }, now),
    }),
  }),

  /** Checks the body's shape but not expires_in's range: 0 s and a day are both minted. */
  test_token_body_unchecked: () => ({
    testTokenRequestReader: (read) => (body) => {
      if (typeof body !== 'object' || body === null) return read(body);
      const { expires_in: expiresIn, ...rest } = body as Record<string, unknown>;
      const request = read({ ...rest, expires_in: 60 });
      return 'problem' in request || typeof expiresIn !== 'number' ? read(body) : { ...request, expiresInSeconds: expiresIn };
    },
  }),

  test_token_no_rate_limit: () => ({
    testTokenIssuer: (issuer) => ({ keyMatches: (key) => issuer.keyMatches(key), admit: () => true, issue: (request, now) => issuer.issue(request, now) }),
  }),

  /** Refusals answered in plain text, the way a framework's default error page answers. */
  test_token_text_errors: () => ({
    refuseTestToken: () => (res, status, _code, message) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${status} ${message}`);
    },
  }),
} satisfies Record<string, FaultWrapper>;
