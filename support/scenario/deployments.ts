import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { Client } from 'pg';
import { Limits } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import type { ChatConnection } from '../client/chat-connection';
import { readReadiness, type HealthReading } from '../client/health-client';
import type { MisconfiguredStart } from '../expectations/judges/service';
import { readinessSays } from '../oracle/readiness';
import { eventsOfRun } from '../oracle/run-events';
import { observeUntil } from '../services/deadline';
import type { Endpoint } from '../target/system-under-test';
import type { GoldenPathWorld } from '../world';
import { presentToken } from '../auth/credentials';
import { spendAnalysisRequest } from '../actors/requests';

/**
 * Acting: deploying the backend — starting it misconfigured, starting two
 * instances at once on an empty database, running two side by side, telling
 * one to shut down (PROTOCOL §1) — the seed plan's third critical issue.
 */

/** Each configuration problem of PROTOCOL §1, as the environment change that causes it. */
/** How often an instance started beside another is asked whether it is ready yet. */
const READINESS_POLL_MS = 100;

const PROBLEMS: Record<string, Record<string, string | undefined>> = {
  'no signing secret': { JWT_SECRET: undefined },
  'a signing secret one byte too short': { JWT_SECRET: 's'.repeat(Limits.minJwtSecretBytes - 1) },
  'no token issuer': { JWT_ISSUER: undefined },
  'an empty token issuer': { JWT_ISSUER: '' },
  'no token audience': { JWT_AUDIENCE: undefined },
  'an empty token audience': { JWT_AUDIENCE: '' },
  'no database address': { DATABASE_URL: undefined },
  'a database address that is not a URL': { DATABASE_URL: 'not a url at all' },
  'no cache address': { REDIS_URL: undefined },
  'a cache address that is not a URL': { REDIS_URL: '::: definitely not a url' },
};

/** The backend starts of the scenario (created on first use). */
export class Deployments {
  misconfigured: MisconfiguredStart | undefined;
  instancesStartedTogether: Array<{ label: string; failure?: string; readiness?: HealthReading }> = [];

  get lastMisconfigured(): MisconfiguredStart {
    if (this.misconfigured === undefined) throw new Error('no backend was started misconfigured: a step must start one first');
    return this.misconfigured;
  }
}

/** A port probe: does anything accept a TCP connection there? */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false)); // refused: the port does not answer, which is what is being observed
  });
}

/** Starts the backend with `problem`, then watches its port until it exits or the protocol's deadline passes. */
export async function startMisconfigured(world: GoldenPathWorld, problem: string): Promise<MisconfiguredStart> {
  const changes = PROBLEMS[problem];
  if (changes === undefined) throw new Error(`unknown configuration problem "${problem}"; known: ${Object.keys(PROBLEMS).join(', ')}`);
  const backend = await world.target.spawn('misconfigured', changes);
  const limitMs = world.profile.configErrorExitWithinMs;
  const started = performance.now();
  let answered = false;
  let exit: MisconfiguredStart['exit'];
  void backend.process.exited.then((result) => (exit = result));
  // Polling is natural here: a port cannot signal that it started to answer.
  while (exit === undefined && performance.now() - started < limitMs) {
    if (await portAnswers(backend.port)) answered = true;
    await Promise.race([backend.process.exited, new Promise((resolve) => setTimeout(resolve, 20))]);
  }
  const start: MisconfiguredStart = { problem, exit, limitMs, answered, stderr: backend.process.stderr() };
  world.state(Deployments).misconfigured = start;
  return start;
}

/** A database with no schema at all on the suite's PostgreSQL server, dropped when the scenario ends. */
export async function freshEmptyDatabase(world: GoldenPathWorld): Promise<string> {
  const serverUrl = world.target.services.postgres.url;
  const name = `golden_path_empty_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  world.defer(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function twoInstancesStartTogether(world: GoldenPathWorld): Promise<void> {
  const databaseUrl = await freshEmptyDatabase(world);
  const redis = world.target.services.redis.url;
  const labels = ['first', 'second'];
  const outcomes = await Promise.allSettled(labels.map((label) => world.target.launch(label, { postgres: databaseUrl, redis })));
  world.state(Deployments).instancesStartedTogether = await Promise.all(
    outcomes.map(async (outcome, index) => {
      const label = labels[index] as string;
      if (outcome.status === 'rejected') return { label, failure: String(outcome.reason) };
      return { label, readiness: await settledReadiness(world, outcome.value) };
    }),
  );
}

/**
 * What /health/ready says once it says ready, or at the protocol's deadline
 * for readiness to reflect a change: an instance that waited behind the
 * other's migration may still be taking its first look at PostgreSQL when it
 * first answers /health.
 */
async function settledReadiness(world: GoldenPathWorld, endpoint: Endpoint): Promise<HealthReading> {
  let last: HealthReading | undefined;
  const ready = await observeUntil(world.profile.readinessReflectsWithinMs, async () => {
    last = await readReadiness(endpoint, world.profile.replyWithinMs);
    return readinessSays(last, 'ready') ? last : undefined;
  }, READINESS_POLL_MS);
  return ready ?? (last as HealthReading);
}

/** Sends SIGTERM to the scenario's own backend once the latest run of `user` is visibly under way. */
export async function shutdownDuringRun(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const accepted = await user.accepted(user.latestMessage);
  await user.latestMessage.tab.waitFor('waiting for the agent to be working', world.profile.replyWithinMs, (frames) => eventsOfRun(frames, accepted.runId).find((event) => event.type === 'agent_thinking'));
  world.target.ownBackend.backend.process.signal('SIGTERM');
}

/** Waits for the process to exit (SIGKILL after the grace period, so that a hang is reported, not waited on forever). */
export async function observeExit(world: GoldenPathWorld): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { process } = world.target.ownBackend.backend;
  const timer = setTimeout(() => process.signal('SIGKILL'), world.profile.shutdownGraceMs);
  const exit = await process.exited;
  clearTimeout(timer);
  return exit;
}

/** Waits for the server to close `tab`, up to the shutdown grace period. */
export function observeClose(world: GoldenPathWorld, tab: ChatConnection): ReturnType<ChatConnection['untilClosed']> {
  return tab.untilClosed(world.profile.shutdownGraceMs);
}

export const INSTANCES = ['first', 'second'] as const;
export type Instance = (typeof INSTANCES)[number];

export async function twoInstances(world: GoldenPathWorld): Promise<void> {
  await Promise.all(INSTANCES.map((label) => world.target.launchOwn(label)));
}

export async function oneTabOnEachInstance(user: ChatUser, world: GoldenPathWorld): Promise<void> {
  for (const label of INSTANCES) await user.openTab({ endpoint: world.target.instance(label), instanceLabel: label });
}

export function tabOn(user: ChatUser, which: string): ChatConnection {
  const tab = user.tabs.find((candidate) => candidate.label.endsWith(`@${which}`));
  if (tab === undefined) throw new Error(`${user.name} has no tab on the ${which} instance`);
  return tab;
}

/** The crowd's open tabs, restarted under them: SIGTERM, then the same command on the same port. */
export async function restartUnderTheCrowd(world: GoldenPathWorld): Promise<void> {
  await world.target.ownBackend.restart(world.profile);
}

/** The drain has begun once the backend no longer accepts TCP connections on its port (a port probe: the one natural poll). */
async function untilPortRefuses(world: GoldenPathWorld): Promise<void> {
  const { port } = world.target.ownBackend.backend;
  const deadline = performance.now() + world.profile.replyWithinMs;
  while ((await portAnswers(port)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** During the drain: a new question on the open tab, and a new tab, at once. */
export async function asksAndKnocksDuringShutdown(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const open = user.latestMessage.tab;
  await untilPortRefuses(world);
  user.ask(spendAnalysisRequest(user.random), { tab: open });
  await user.attemptTab({ credentials: presentToken(await user.token(), 'header') }, 'her token during a shutdown', { refusalExpected: true });
}
