import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, type LoadConfig } from '../src/config';
import { decorate } from '../src/decorators';
import { plantFaults } from '../src/faults';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'a'.repeat(32),
  JWT_ISSUER: 'issuer',
  JWT_AUDIENCE: 'audience',
};

function problemsOf(env: Record<string, string | undefined>, load: LoadConfig = loadConfig): string[] {
  try {
    load(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => p.variable);
  }
  assert.fail('expected a ConfigError');
}

void describe('loadConfig', () => {
  void it('applies defaults', () => {
    const config = loadConfig(valid);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.agentStepDelayMs, 0);
    assert.equal(config.redisKeyPrefix, 'gp:');
    assert.equal(config.agentModel, 'advisor');
    assert.match(config.instanceId, /-\d+$/);
  });

  void it('reads every variable', () => {
    const config = loadConfig({ ...valid, HOST: '0.0.0.0', PORT: '0', AGENT_STEP_DELAY_MS: '250', INSTANCE_ID: 'i-1', REDIS_KEY_PREFIX: 'run42:' });
    assert.deepEqual(
      { host: config.host, port: config.port, delay: config.agentStepDelayMs, id: config.instanceId, prefix: config.redisKeyPrefix },
      { host: '0.0.0.0', port: 0, delay: 250, id: 'i-1', prefix: 'run42:' },
    );
    assert.deepEqual(config.jwt, { secret: valid.JWT_SECRET, issuer: 'issuer', audience: 'audience' });
  });

  void it('requires a JWT secret of at least 32 bytes', () => {
    assert.deepEqual(problemsOf({ ...valid, JWT_SECRET: undefined }), ['JWT_SECRET']);
    assert.deepEqual(problemsOf({ ...valid, JWT_SECRET: 'a'.repeat(31) }), ['JWT_SECRET']);
    // bytes, not characters: 11 three-byte characters are 33 bytes
    assert.equal(loadConfig({ ...valid, JWT_SECRET: '€'.repeat(11) }).jwt.secret, '€'.repeat(11));
  });

  void it('with the planted fault default_secret, silently replaces a missing or short secret', () => {
    const load = decorate(plantFaults(['default_secret']).loadConfig, loadConfig, {});
    const fallback = load({ ...valid, JWT_SECRET: undefined }).jwt.secret;
    assert.ok(Buffer.byteLength(fallback) >= 32);
    assert.equal(load({ ...valid, JWT_SECRET: 'short' }).jwt.secret, fallback);
    assert.equal(load(valid).jwt.secret, valid.JWT_SECRET);
    assert.deepEqual(problemsOf({ ...valid, JWT_SECRET: undefined, JWT_ISSUER: '' }, load), ['JWT_ISSUER']);
  });

  void it('chooses the agent model with AGENT_MODEL, naming it in the error for an unknown one', () => {
    assert.equal(loadConfig({ ...valid, AGENT_MODEL: 'advisor' }).agentModel, 'advisor');
    assert.deepEqual(problemsOf({ ...valid, AGENT_MODEL: 'gpt-9' }), ['AGENT_MODEL']);
    assert.deepEqual(problemsOf({ ...valid, AGENT_MODEL: 'toString' }), ['AGENT_MODEL']);
  });

  void it('requires issuer and audience', () => {
    assert.deepEqual(problemsOf({ ...valid, JWT_ISSUER: '', JWT_AUDIENCE: undefined }), ['JWT_ISSUER', 'JWT_AUDIENCE']);
  });

  void it('rejects URLs that do not parse or have the wrong scheme', () => {
    assert.deepEqual(problemsOf({ ...valid, DATABASE_URL: 'not a url' }), ['DATABASE_URL']);
    assert.deepEqual(problemsOf({ ...valid, DATABASE_URL: 'http://localhost/db' }), ['DATABASE_URL']);
    assert.deepEqual(problemsOf({ ...valid, REDIS_URL: '::::' }), ['REDIS_URL']);
    assert.deepEqual(problemsOf({ ...valid, REDIS_URL: undefined }), ['REDIS_URL']);
    assert.equal(loadConfig({ ...valid, DATABASE_URL: 'postgresql://u:p@db.example:6543/x', REDIS_URL: 'rediss://cache:6380/0' }).port, 8080);
  });

  void it('rejects bad numbers', () => {
    assert.deepEqual(problemsOf({ ...valid, PORT: '70000' }), ['PORT']);
    assert.deepEqual(problemsOf({ ...valid, PORT: 'eighty' }), ['PORT']);
    assert.deepEqual(problemsOf({ ...valid, AGENT_STEP_DELAY_MS: '-5' }), ['AGENT_STEP_DELAY_MS']);
  });

  void it('names the variable in every error line', () => {
    try {
      loadConfig({ ...valid, JWT_SECRET: 'short' });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.lines(), ['configuration error: JWT_SECRET must be at least 32 bytes']);
    }
  });
});
