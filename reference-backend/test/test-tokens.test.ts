import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { TestTokens } from '../../protocol/constants';
import { JwtVerifier, protocolTokenRules } from '../src/auth/jwt-verifier';
import { JwtTestTokenIssuer, readTestTokenRequest } from '../src/auth/test-tokens';
import { ConfigError, loadConfig } from '../src/config';

const jwtConfig = { secret: 's'.repeat(40), issuer: 'gp-issuer', audience: 'gp-audience' };
const key = 'k'.repeat(TestTokens.minKeyBytes);

void describe('test tokens (PROTOCOL §10)', () => {
  void it('mints a §3 token with exactly the requested sub, permissions and lifetime', () => {
    const issuer = new JwtTestTokenIssuer(key, jwtConfig);
    const now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const issued = issuer.issue({ sub: 'Alice.Q:1@x-y', permissions: ['read'], expiresInSeconds: 300 }, now);
    const claims = jwt.decode(issued.token, { complete: true });
    assert.equal(claims?.header.alg, 'HS256');
    assert.deepEqual(claims?.payload, { sub: 'Alice.Q:1@x-y', permissions: ['read'], iat: now / 1000, exp: now / 1000 + 300, iss: 'gp-issuer', aud: 'gp-audience' });
    assert.equal(issued.expiresAt, new Date(now + 300_000).toISOString());
    const verified = new JwtVerifier(protocolTokenRules(jwtConfig)).verify(issuer.issue({ sub: 'a', permissions: [], expiresInSeconds: 60 }, Date.now()).token);
    assert.equal(verified.ok, true);
  });

  void it('accepts only the configured key', () => {
    const issuer = new JwtTestTokenIssuer(key, jwtConfig);
    assert.equal(issuer.keyMatches(key), true);
    for (const wrong of [undefined, '', key.slice(1), `${key}k`, 'K'.repeat(TestTokens.minKeyBytes)]) assert.equal(issuer.keyMatches(wrong), false);
  });

  void it('admits the limit in a sliding minute, and again once the oldest request is a minute old', () => {
    const issuer = new JwtTestTokenIssuer(key, jwtConfig);
    const start = 1_000_000;
    for (let i = 0; i < TestTokens.maxRequestsPerMinute; i++) assert.equal(issuer.admit(start + i), true);
    assert.equal(issuer.admit(start + 59_999), false);
    assert.equal(issuer.admit(start + 60_000), true);
  });

  void it('reads a body as the published schema says', () => {
    assert.deepEqual(readTestTokenRequest({ sub: 'bob', permissions: ['read', 'write'], expires_in: 3600, extra: true }), { sub: 'bob', permissions: ['read', 'write'], expiresInSeconds: 3600 });
    for (const bad of [null, [], {}, { sub: 'bob', permissions: ['read'] }, { sub: '', permissions: [], expires_in: 60 }, { sub: 'b b', permissions: [], expires_in: 60 }, { sub: 'bob', permissions: 'read', expires_in: 60 }, { sub: 'bob', permissions: [], expires_in: 0 }, { sub: 'bob', permissions: [], expires_in: 3601 }, { sub: 'bob', permissions: [], expires_in: 1.5 }]) {
      assert.ok('problem' in readTestTokenRequest(bad), JSON.stringify(bad));
    }
  });

  void it('is off without E2E_TOKEN_KEY and refuses a short one', () => {
    const env = { JWT_SECRET: jwtConfig.secret, JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', DATABASE_URL: 'postgres://x/y', REDIS_URL: 'redis://x' };
    assert.equal(loadConfig(env).testTokenKey, undefined);
    assert.equal(loadConfig({ ...env, E2E_TOKEN_KEY: key }).testTokenKey, key);
    assert.throws(() => loadConfig({ ...env, E2E_TOKEN_KEY: 'short' }), (err: unknown) => err instanceof ConfigError && err.message.includes('E2E_TOKEN_KEY'));
  });
});
