import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { CLOCK_LEEWAY_SECONDS, JwtVerifier, protocolTokenRules, type TokenVerifier } from '../src/auth/jwt-verifier';
import { bearerToken, handshakeToken, subprotocolToken } from '../src/auth/token-extraction';
import { authenticate } from '../src/connection/user-context';
import { decorate } from '../src/decorators';
import { plantFaults } from '../src/faults';
import { queryToken } from '../src/faults/authentication';
import type { FaultName } from '../src/faults/catalogue';
import { Limits } from '../../protocol/constants';

const config = { secret: 's'.repeat(40), issuer: 'gp-issuer', audience: 'gp-audience' };
const verifier = new JwtVerifier(protocolTokenRules(config));
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>, options: jwt.SignOptions = {}, secret = config.secret): string {
  return jwt.sign(
    { sub: 'user-1', iss: config.issuer, aud: config.audience, exp: nowSeconds() + 60, permissions: ['read', 'write'], ...claims },
    secret,
    { algorithm: 'HS256', ...options },
  );
}

void describe('JwtVerifier', () => {
  void it('accepts a valid HS256 token', () => {
    const result = verifier.verify(sign({}));
    assert.equal(result.ok, true);
  });

  void it('rejects other algorithms, including none', () => {
    assert.equal(verifier.verify(sign({}, { algorithm: 'HS512' })).ok, false);
    const unsigned = jwt.sign({ sub: 'u', iss: config.issuer, aud: config.audience, exp: nowSeconds() + 60 }, '', { algorithm: 'none' });
    assert.equal(verifier.verify(unsigned).ok, false);
  });

  void it('rejects a wrong signature, issuer or audience', () => {
    assert.equal(verifier.verify(sign({}, {}, 'x'.repeat(40))).ok, false);
    assert.equal(verifier.verify(sign({ iss: 'someone-else' })).ok, false);
    assert.equal(verifier.verify(sign({ aud: 'other-api' })).ok, false);
  });

  void it('accepts an audience array containing ours', () => {
    assert.equal(verifier.verify(sign({ aud: ['other', config.audience] })).ok, true);
  });

  void it('requires exp and honours it with at most the leeway', () => {
    const withoutExp = jwt.sign({ sub: 'u', iss: config.issuer, aud: config.audience }, config.secret, { algorithm: 'HS256' });
    assert.equal(verifier.verify(withoutExp).ok, false);
    assert.equal(verifier.verify(sign({ exp: nowSeconds() - 6 })).ok, false);
    assert.equal(verifier.verify(sign({ exp: nowSeconds() - 3 })).ok, false);
  });

  void it('uses a clock leeway within the protocol bound', () => {
    assert.ok(CLOCK_LEEWAY_SECONDS <= Limits.maxClockLeewaySeconds);
  });

  void it('honours nbf', () => {
    assert.equal(verifier.verify(sign({ nbf: nowSeconds() + 30 })).ok, false);
    assert.equal(verifier.verify(sign({ nbf: nowSeconds() - 30 })).ok, true);
  });

  void it('rejects garbage', () => {
    assert.equal(verifier.verify('not.a.jwt').ok, false);
    assert.equal(verifier.verify('').ok, false);
  });
});

void describe('authenticate (user context)', () => {
  void it('builds a typed context once', () => {
    const exp = nowSeconds() + 60;
    const auth = authenticate(verifier, sign({ sub: 'alice@example.com', exp, permissions: ['read', 'write', 'admin', 7] }));
    assert.ok(auth.ok);
    assert.equal(auth.user.userId, 'alice@example.com');
    assert.deepEqual([...auth.user.permissions].sort(), ['read', 'write']);
    assert.equal(auth.user.expiresAtMs, exp * 1000);
  });

  void it('answers 401 for a missing or bad token and a bad sub', () => {
    for (const token of [null, 'garbage', sign({ sub: 'has space' }), sign({ sub: 'x'.repeat(129) }), sign({ sub: '' }), sign({ sub: 42 })]) {
      const auth = authenticate(verifier, token);
      assert.ok(!auth.ok);
      assert.equal(auth.status, 401);
      assert.equal(auth.code, 'UNAUTHORIZED');
    }
    assert.ok(authenticate(verifier, sign({ sub: 'A-z0.9_:@-'.padEnd(128, 'x') })).ok);
  });

  void it('answers 403 without read', () => {
    for (const permissions of [['write'], [], 'read', undefined]) {
      const auth = authenticate(verifier, sign({ permissions }));
      assert.ok(!auth.ok);
      assert.equal(auth.status, 403);
      assert.equal(auth.code, 'FORBIDDEN');
    }
  });
});

void describe('token extraction', () => {
  const encoded = (token: string): string => `jwt.${Buffer.from(token).toString('base64url')}`;

  void it('reads a bearer header', () => {
    assert.equal(bearerToken({ authorization: 'Bearer abc.def.ghi' }), 'abc.def.ghi');
    assert.equal(bearerToken({ authorization: 'bearer abc' }), 'abc');
    assert.equal(bearerToken({ authorization: 'Basic abc' }), null);
    assert.equal(bearerToken({}), null);
  });

  void it('reads jwt-auth + jwt.<base64url> subprotocols', () => {
    assert.equal(subprotocolToken(['jwt-auth', encoded('a.b.c')]), 'a.b.c');
    assert.equal(subprotocolToken([encoded('a.b.c')]), null);
    assert.equal(subprotocolToken(['jwt-auth']), null);
  });

  void it('prefers the header over subprotocols and ignores the query string', () => {
    const headers = { authorization: 'Bearer header.token.x', 'sec-websocket-protocol': `jwt-auth, ${encoded('proto.token.y')}` };
    assert.equal(handshakeToken(headers), 'header.token.x');
    assert.equal(handshakeToken({ 'sec-websocket-protocol': `jwt-auth, ${encoded('proto.token.y')}` }), 'proto.token.y');
    assert.equal(handshakeToken({}), null);
  });
});

void describe('JwtVerifier with planted faults', () => {
  /** Built as app.ts builds it. */
  const withFault = (name: FaultName): TokenVerifier => {
    const decorators = plantFaults([name]);
    const rules = decorate(decorators.tokenRules, protocolTokenRules(config), {});
    return decorate(decorators.tokenVerifier, new JwtVerifier(rules), { rules });
  };
  const unsigned = (claims: Record<string, unknown>): string =>
    jwt.sign({ sub: 'u', iss: config.issuer, aud: config.audience, exp: nowSeconds() + 60, ...claims }, '', { algorithm: 'none' });

  void it('accept_expired skips exp only', () => {
    assert.equal(withFault('accept_expired').verify(sign({ exp: nowSeconds() - 3600 })).ok, true);
    const withoutExp = jwt.sign({ sub: 'u', iss: config.issuer, aud: config.audience }, config.secret, { algorithm: 'HS256' });
    assert.equal(withFault('accept_expired').verify(withoutExp).ok, false);
  });

  void it('alg_none_accepted takes an unsigned token but still checks its claims', () => {
    const verifierWithFault = withFault('alg_none_accepted');
    assert.equal(verifierWithFault.verify(unsigned({})).ok, true);
    assert.equal(verifierWithFault.verify(unsigned({ iss: 'someone-else' })).ok, false);
    assert.equal(verifierWithFault.verify(unsigned({ exp: nowSeconds() - 3600 })).ok, false);
    assert.equal(verifierWithFault.verify(sign({})).ok, true);
    assert.equal(verifier.verify(unsigned({})).ok, false);
  });

  void it('any_hmac_accepted takes HS384 and HS512 with the secret', () => {
    for (const algorithm of ['HS384', 'HS512'] as const) {
      assert.equal(withFault('any_hmac_accepted').verify(sign({}, { algorithm })).ok, true);
      assert.equal(withFault('any_hmac_accepted').verify(sign({}, { algorithm }, 'x'.repeat(40))).ok, false);
    }
  });

  void it('ignore_audience skips aud only', () => {
    assert.equal(withFault('ignore_audience').verify(sign({ aud: 'other-api' })).ok, true);
    assert.equal(withFault('ignore_audience').verify(sign({ iss: 'someone-else' })).ok, false);
  });
});

void describe('queryToken (planted fault query_token_accepted only)', () => {
  void it('reads ?token=', () => {
    assert.equal(queryToken('/ws?token=a.b.c'), 'a.b.c');
    assert.equal(queryToken('/ws?token='), null);
    assert.equal(queryToken('/ws'), null);
    assert.equal(queryToken(undefined), null);
  });
});
