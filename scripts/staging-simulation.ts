/**
 * `npm run staging-simulation`: the suite against a deployment it does not
 * control, hermetically. It starts a throwaway PostgreSQL and Redis, the
 * reference backend with test tokens enabled (PROTOCOL §10) and secrets the
 * suite is never told, and a TLS-terminating front end on 127.0.0.1 (a
 * certificate made now); then it runs `cucumber-js --profile staging` against
 * https://127.0.0.1:PORT with the test-token endpoint as the token source —
 * exactly what a tester has against a real staging deployment.
 *
 * It prints how many of the scenarios not tagged @needs_control ran, and why
 * each of the others did not. Extra arguments go to cucumber-js
 * (e.g. `-- --tags @mission_critical`). Exits non-zero when the run failed or
 * fewer than MIN_SHARE_RAN of those scenarios ran.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpPath } from '../protocol/constants';
import { allPickles } from '../support/report/feature-catalogue';
import { startPostgres } from '../support/services/postgres-service';
import { startRedis } from '../support/services/redis-service';
import { LaunchedBackend } from '../support/target/launched-backend';
import { backendEnvironment } from '../support/target/suite-environment';
import { PROJECT_ROOT, readTargetConfig } from '../support/target/target-config';
import { Cleanup } from './bench/environment';
import { readRunOutcome, type ScenarioOutcome } from './lib/cucumber-results';
import { startTlsFrontEnd } from './staging/tls-front-end';

/** The issue's goal: at least this share of the scenarios that need no control of the backend run remotely. */
const MIN_SHARE_RAN = 0.8;
const REPORT_DIR = join('reports', 'staging');
const BACKEND_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 12_000;

const log = (line: string): void => {
  process.stdout.write(`staging-simulation: ${line}\n`);
};

async function main(): Promise<number> {
  const config = readTargetConfig({ ...process.env, GOLDEN_PATH_URL: undefined });
  if (config.mode !== 'launched') throw new Error('unreachable: the simulation launches its own deployment');
  const cleanup = new Cleanup();
  const stop = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping everything it started`);
    void cleanup.run().then((failures) => {
      for (const failure of failures) log(failure);
      process.exit(130);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const [postgres, redis] = await Promise.all([
      startPostgres(config.databaseUrl).then((service) => (cleanup.add('PostgreSQL', () => service.dispose()), service)),
      startRedis(config.redisUrl).then((service) => (cleanup.add('Redis', () => service.dispose()), service)),
    ]);
    // The deployment's secrets: the signing secret stays here; the suite gets only the test-token key.
    const testTokenKey = randomBytes(32).toString('base64url');
    const settings = { config, postgres, redis, jwtSecret: randomBytes(32).toString('base64url'), testTokenKey, issuer: 'golden-path-staging', audience: 'golden-path-chat' };
    const backend = await LaunchedBackend.start({
      label: 'staging',
      command: config.command,
      commandLabel: config.commandLabel,
      cwd: config.cwd,
      environment: backendEnvironment(settings, { INSTANCE_ID: `staging-${process.pid}` }),
      startTimeoutMs: BACKEND_START_TIMEOUT_MS,
    });
    cleanup.add('the backend', () => backend.stop(STOP_GRACE_MS));
    const frontEnd = await startTlsFrontEnd(backend.port);
    cleanup.add('the TLS front end', () => frontEnd.close());
    const caDir = mkdtempSync(join(tmpdir(), 'golden-path-staging-'));
    cleanup.add('the CA file', () => Promise.resolve(rmSync(caDir, { recursive: true, force: true })));
    const caFile = join(caDir, 'front-end-ca.pem');
    writeFileSync(caFile, frontEnd.certificate);
    log(`${config.commandLabel} behind a TLS front end at ${frontEnd.url}; ${postgres.description}; ${redis.description}`);

    const exitCode = await runCucumber(process.argv.slice(2), {
      GOLDEN_PATH_URL: frontEnd.url,
      GOLDEN_PATH_CA_FILE: caFile,
      GOLDEN_PATH_TOKEN_URL: `${frontEnd.url}${HttpPath.testToken}`,
      GOLDEN_PATH_TOKEN_KEY: testTokenKey,
      GOLDEN_PATH_REPORT_DIR: REPORT_DIR,
    });
    const { connections, socketErrors } = frontEnd.counts();
    log(`the front end passed ${connections} connections through (${socketErrors.length} ended in a socket error${socketErrors.length === 0 ? '' : `, first: ${socketErrors[0] ?? ''}`})`);
    return summarize(exitCode);
  } finally {
    for (const failure of await cleanup.run()) log(failure);
  }
}

function runCucumber(extraArgs: readonly string[], variables: Record<string, string>): Promise<number> {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...variables };
  // Nothing of a launched target may leak into the remote run.
  for (const name of ['GOLDEN_PATH_BACKEND_CMD', 'GOLDEN_PATH_JWT_SECRET', 'GOLDEN_PATH_JWT_ISSUER', 'GOLDEN_PATH_JWT_AUDIENCE', 'GOLDEN_PATH_TOKEN_CMD', 'GOLDEN_PATH_TOKEN']) delete environment[name];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['cucumber-js', '--profile', 'staging', ...extraArgs], { cwd: PROJECT_ROOT, env: environment, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

/** The scenarios that need no control of the backend, and which of them ran against the "deployment". */
function summarize(exitCode: number): number {
  const outcome = readRunOutcome(join(REPORT_DIR, 'messages.ndjson'));
  const remote = (tags: readonly string[]): boolean => !tags.includes('@needs_control') && !tags.includes('@unit');
  const eligible = allPickles().filter((pickle) => remote(pickle.tags.map((tag) => tag.name)));
  const selected = outcome.scenarios.filter((scenario) => remote(scenario.tags));
  const ran = selected.filter((scenario) => scenario.notRunBecause === undefined);
  const notRun = selected.filter((scenario): scenario is ScenarioOutcome & { notRunBecause: string } => scenario.notRunBecause !== undefined);
  const failed = ran.filter((scenario) => scenario.status !== 'PASSED');
  const share = selected.length === 0 ? 0 : ran.length / selected.length;
  log(`${ran.length} of ${selected.length} selected scenarios that need no control of the backend ran remotely (${(share * 100).toFixed(0)}%; goal ≥ ${MIN_SHARE_RAN * 100}%; ${eligible.length} such scenarios in the suite); ${failed.length} failed`);
  for (const scenario of notRun) log(`  not run: ${scenario.name} (${scenario.uri}) — ${scenario.notRunBecause}`);
  for (const scenario of failed) log(`  FAILED: ${scenario.name} (${scenario.uri}) — ${scenario.failure ?? scenario.status}`);
  for (const failure of outcome.hookFailures) log(`  run failure: ${failure}`);
  if (exitCode !== 0) return exitCode;
  if (share < MIN_SHARE_RAN) {
    log(`only ${(share * 100).toFixed(0)}% ran: a deployment would be checked on too little of the protocol`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`staging-simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
