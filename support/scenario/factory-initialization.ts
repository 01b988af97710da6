import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { GoldenPathWorld } from '../world';
import type { LaunchedBackend } from '../target/launched-backend';
import { requireLaunchSettings, spawnBackend, launchBackend } from '../target/suite-environment';
import { failIfAny } from '../expectations/violation-error';
import { eventsOfRun } from '../oracle/run-events';

/**
 * The seed plan's third critical issue, in black-box terms: a misconfigured
 * backend must refuse to start, loudly; a well-configured one must come up
 * (even two at once on an empty database) and shut down without losing runs.
 */

/** Each configuration problem of PROTOCOL §1, as the environment change that causes it. */
const PROBLEMS: Record<string, Record<string, string | undefined>> = {
  'no signing secret': { JWT_SECRET: undefined },
  'a signing secret shorter than 32 bytes': { JWT_SECRET: 'too-short-secret-31-bytes-long!' },
  'no token issuer': { JWT_ISSUER: undefined },
  'no token audience': { JWT_AUDIENCE: undefined },
  'a database address that is not a URL': { DATABASE_URL: 'not a url at all' },
  'a cache address that is not a URL': { REDIS_URL: '::: definitely not a url' },
};

export async function startMisconfigured(world: GoldenPathWorld, problem: string): Promise<void> {
  const changes = PROBLEMS[problem];
  if (changes === undefined) throw new Error(`unknown configuration problem "${problem}"; known: ${Object.keys(PROBLEMS).join(', ')}`);
  world.misconfigured = { backend: await spawnBackend(world.profile, 'misconfigured', changes), answered: false, problem };
  const { backend } = world.misconfigured;
  world.cleanups.push(() => backend.stop(1_000));
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false)); // refused: the port does not answer, which is the point
  });
}

/** Watches the port while waiting for the process to exit; both outcomes are recorded. */
export async function exitsWithErrorInTime(world: GoldenPathWorld): Promise<void> {
  const state = world.misconfigured;
  if (state === undefined) throw new Error('no misconfigured backend was started');
  const limit = world.profile.configErrorExitWithinMs;
  const started = performance.now();
  let exited = false;
  const exit = state.backend.process.exited.then((result) => {
    exited = true;
    return result;
  });
  while (!exited && performance.now() - started < limit) {
    if (await portAnswers(state.backend.port)) state.answered = true;
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 20))]); // next probe of the port, or the exit
  }
  if (!exited) {
    failIfAny(`a backend with ${state.problem} did not refuse to start`, [
      `it was still running ${(limit / 1000).toFixed(0)} s after starting with ${state.problem}: a misconfigured deploy looks healthy to the platform, and users meet the failure instead (every login, or every message, fails)`,
    ]);
    return;
  }
  const { code } = await exit;
  failIfAny(`a backend with ${state.problem} exited as if all was well`, code === 0 || code === null ? [
    `it exited with code ${String(code)}: the deploy pipeline reads success and rolls out a broken configuration`,
  ] : []);
}

export function namesVariable(world: GoldenPathWorld, variable: string): void {
  const state = world.misconfigured;
  if (state === undefined) throw new Error('no misconfigured backend was started');
  const stderr = state.backend.process.stderr();
  failIfAny('the refusal does not say what is wrong', stderr.includes(variable) ? [] : [
    `its error output does not name ${variable} (${JSON.stringify(stderr.slice(-300))}): the on-call engineer has to guess which setting broke the deploy`,
  ]);
}

export function neverAnswered(world: GoldenPathWorld): void {
  const state = world.misconfigured;
  if (state === undefined) throw new Error('no misconfigured backend was started');
  failIfAny('a misconfigured backend served traffic', state.answered ? [
    `its port accepted connections although it was started with ${state.problem}: users were let into a chat that cannot work`,
  ] : []);
}

/** A database on the suite's PostgreSQL server with no schema at all, dropped when the scenario ends. */
export async function freshEmptyDatabase(world: GoldenPathWorld): Promise<string> {
  const settings = requireLaunchSettings();
  const name = `golden_path_empty_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: settings.postgres.url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  world.cleanupsLast.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(settings.postgres.url);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function twoInstancesStartTogether(world: GoldenPathWorld): Promise<void> {
  const databaseUrl = await freshEmptyDatabase(world);
  const settings = requireLaunchSettings();
  const outcomes = await Promise.allSettled(
    ['first', 'second'].map((label) => launchBackend(world.profile, label, {}, { postgres: databaseUrl, redis: settings.redis.url })),
  );
  world.instanceStarts = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason)));
  for (const outcome of outcomes) if (outcome.status === 'fulfilled') world.cleanups.push(() => outcome.value.stop(world.profile.shutdownGraceMs));
}

export async function bothInstancesReady(world: GoldenPathWorld): Promise<void> {
  const failures = world.instanceStarts.filter((start): start is string => typeof start === 'string');
  failIfAny('two instances deployed together did not both come up', failures.map((failure) =>
    `an instance failed to start while another one migrated the same empty database (${failure.slice(0, 300)}): every rolling deploy of a new environment risks an instance that never comes up`));
  for (const backend of world.instanceStarts.filter((start): start is LaunchedBackend => typeof start !== 'string')) {
    const response = await fetch(`${backend.httpUrl}/health/ready`, { signal: AbortSignal.timeout(world.profile.replyWithinMs) });
    const body = (await response.json()) as { status?: unknown };
    failIfAny('an instance came up unready', response.status === 200 && body.status === 'ready' ? [] : [
      `instance ${backend.launch.label} answers /health/ready with HTTP ${response.status} ${JSON.stringify(body)}: it started on a half-migrated schema and cannot serve chat`,
    ]);
  }
}

/** Sends SIGTERM to the scenario's own backend once the latest run of `name` is under way. */
export async function shutdownDuringRun(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const accepted = await user.awaitAccepted(user.latestMessage);
  await user.latestMessage.connection.waitFor('waiting for the agent to be working', world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames, accepted.runId).find((event) => event.type === 'agent_thinking'),
  );
  world.ownBackend.backend.process.signal('SIGTERM');
}

export async function runCompletesDespiteShutdown(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const run = await user.watchRun(user.latestMessage);
  const completion = run.events.find((event) => event.type === 'agent_completed');
  failIfAny(`${name}'s run was cut short by the deploy`, completion?.data.status === 'success' ? [] : [
    `the run in progress at SIGTERM ended with ${JSON.stringify(completion?.data.status)} instead of completing: every deploy throws away the answers users are waiting for`,
  ]);
}

export async function closedAsGoingAway(world: GoldenPathWorld, name: string): Promise<void> {
  const tab = world.user(name).latestMessage.connection;
  const close = await tab.waitForClose('waiting for the shutdown to close the connection', world.profile.shutdownGraceMs);
  failIfAny(`${name} was not told the service was going away`, close.code === 1001 ? [] : [
    `the connection closed with ${close.code} instead of 1001: the client cannot tell a deploy from a crash, so it shows an error instead of reconnecting quietly`,
  ]);
}

export async function exitsCleanly(world: GoldenPathWorld): Promise<void> {
  const process = world.ownBackend.backend.process;
  const timer = setTimeout(() => process.signal('SIGKILL'), world.profile.shutdownGraceMs);
  const { code, signal } = await process.exited;
  clearTimeout(timer);
  failIfAny('the backend did not shut down cleanly', code === 0 ? [] : [
    `after SIGTERM it ended with ${code === null ? `signal ${String(signal)}` : `exit code ${code}`}: the platform records every deploy as a crash and may roll back a good release`,
  ]);
}
