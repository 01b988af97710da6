import type { Dependency } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import { eventsOfRun } from '../oracle/run-events';
import type { FaultProxy } from '../services/fault-proxy';
import type { OwnBackend } from '../target/own-backend';
import type { GoldenPathWorld } from '../world';
import { ask } from './conversation';

/** One change a step made to a dependency of the scenario's own backends, with when it happened. */
export interface DependencyChange {
  readonly dependency: Dependency;
  readonly change: 'cut' | 'blackholed' | 'slowed' | 'restored';
  /** performance.now() */
  readonly at: number;
}

/** What the scenario did to its backends' dependencies (created on first use). */
export class Outages {
  readonly changes: DependencyChange[] = [];
  /** The scenario's backend was started while its dependencies were down. */
  startedDown = false;

  /** The dependency is broken right now (its latest change was not a restore). */
  isDown(dependency: Dependency): boolean {
    const last = this.changes.filter((change) => change.dependency === dependency).at(-1);
    return last !== undefined && last.change !== 'restored';
  }

  /** The latest change restored a dependency. */
  get justRecovered(): boolean {
    return this.changes.at(-1)?.change === 'restored';
  }

  /** When the latest change happened: deadlines that follow a fault are counted from the fault itself. */
  get lastChangeAt(): number | undefined {
    return this.changes.at(-1)?.at;
  }

  /** When the latest failure began (a cut, blackhole or slowdown). */
  get failedAt(): number | undefined {
    return this.changes.filter((change) => change.change !== 'restored').at(-1)?.at;
  }
}

/**
 * Acting: breaking and restoring the PostgreSQL and Redis of the scenario's
 * own backends, through their fault proxies (support/services/fault-proxy.ts).
 */
export async function chatServiceThatCanFail(world: GoldenPathWorld, options: { paced?: boolean; stepDelayMs?: number; dependenciesDownAtStart?: boolean } = {}): Promise<OwnBackend> {
  const own = await world.target.useOwnBackend(options);
  if (options.dependenciesDownAtStart === true) {
    world.state(Outages).startedDown = true;
    const now = performance.now();
    world.state(Outages).changes.push({ dependency: 'postgres', change: 'cut', at: now }, { dependency: 'redis', change: 'cut', at: now });
  }
  return own;
}

function proxiesOf(world: GoldenPathWorld, dependency: Dependency): FaultProxy[] {
  return world.target.ownBackends.map((own) => (dependency === 'postgres' ? own.postgres : own.redis));
}

/** Applies a change to the dependency of every backend the scenario launched for itself (one database, one cache, seen by all). */
export function changeDependency(world: GoldenPathWorld, dependency: Dependency, change: DependencyChange['change'], slowByMs = world.profile.slowDependencyLatencyMs): void {
  for (const proxy of proxiesOf(world, dependency)) {
    if (change === 'cut') proxy.cut();
    else if (change === 'blackholed') proxy.blackhole();
    else if (change === 'slowed') proxy.slow(slowByMs);
    else proxy.restore();
  }
  world.state(Outages).changes.push({ dependency, change, at: performance.now() });
}

/** Waits until the run of the latest question anyone asked is using a tool, then cuts PostgreSQL. */
export async function databaseFailsWhileToolRuns(world: GoldenPathWorld): Promise<void> {
  const user = world.users.filter((candidate) => candidate.messages.length > 0).sort((a, b) => a.latestMessage.frame.sentAt - b.latestMessage.frame.sentAt).at(-1);
  if (user === undefined) throw new Error('nobody has asked anything yet, so no agent is using a tool');
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  await message.tab.waitFor('waiting for the agent to start using a tool', world.profile.replyWithinMs, (frames) => eventsOfRun(frames, accepted.runId).find((event) => event.type === 'tool_executing'));
  changeDependency(world, 'postgres', 'cut');
}

/** The database goes down and the user asks; she waits for whatever answer comes (a step of its own for scenarios that go on from there). */
export async function askedWhileDatabaseDown(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  changeDependency(world, 'postgres', 'cut');
  const message = ask(world, user);
  await user.answerTo(message, world.profile.unavailableWithinMs);
}

/**
 * The database goes down the instant the user's latest message is
 * acknowledged — before the backend can record the run as started, when the
 * database was made a little slow beforehand (raceLatencyMs): a run that fails
 * before the agent's first thought.
 */
export async function databaseFailsOnAcknowledgement(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  await user.accepted(user.latestMessage);
  changeDependency(world, 'postgres', 'cut');
}
