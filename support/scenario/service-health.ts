import type { ReadinessStatus } from '../../protocol/constants';
import { readHealth, readReadiness, type HealthReading } from '../client/health-client';
import type { ReadinessObservation } from '../expectations/judges/service';
import { readinessSays } from '../oracle/readiness';
import { observeUntil } from '../services/deadline';
import type { Endpoint } from '../target/system-under-test';
import type { GoldenPathWorld } from '../world';
import { Outages } from './outages';

/**
 * Observing the service's own account of itself (PROTOCOL §2): /health and
 * /health/ready, polled — HTTP cannot push — until they say what is expected
 * or the deadline passes.
 */
export async function observeReadiness(world: GoldenPathWorld, wanted: ReadinessStatus, endpoint: Endpoint = world.target.endpoint): Promise<ReadinessObservation> {
  const changedAt = world.state(Outages).lastChangeAt;
  const started = performance.now();
  // The deadline counts from the change itself, when the scenario made one: a late look must not excuse a late answer.
  const deadline = (changedAt ?? started) + world.profile.readinessReflectsWithinMs + world.profile.replyWithinMs;
  const readings: HealthReading[] = [];
  const matched = await observeUntil(Math.max(deadline - started, world.profile.replyWithinMs), async () => {
    const reading = await readReadiness(endpoint, world.profile.replyWithinMs);
    readings.push(reading);
    return readinessSays(reading, wanted) ? reading : undefined;
  });
  return { wanted, readings, matched, changedAt, waitedMs: performance.now() - started };
}

/** Waits until /health/ready says `wanted` (an arrangement: an error, not a verdict, when it never does). */
export async function untilReadiness(world: GoldenPathWorld, wanted: ReadinessStatus): Promise<void> {
  const observation = await observeReadiness(world, wanted);
  if (observation.matched === undefined) {
    throw new Error(`the chat service never said it was ${wanted} (GP-2.${wanted === 'ready' ? 3 : wanted === 'degraded' ? 4 : 5}): last answer ${observation.readings.at(-1)?.text.slice(0, 160) ?? 'none'}`);
  }
}

/**
 * Points the scenario at an instance of its own, which no other scenario
 * talks to: an exact connection count means nothing on an instance that
 * parallel scenarios (or, on staging, real users) connect to at the same time.
 */
export async function aServiceNobodyElseUses(world: GoldenPathWorld): Promise<void> {
  await world.target.useOwnBackend();
}

/** The /health connection count of the scenario's current endpoint. */
export async function connectionCount(world: GoldenPathWorld): Promise<number | undefined> {
  const reading = await readHealth(world.target.endpoint, world.profile.replyWithinMs);
  const connections = (reading.body as { connections?: unknown } | undefined)?.connections;
  return typeof connections === 'number' ? connections : undefined;
}

/** The connection count a step noted, to compare with later (created on first use). */
export class ConnectionBaseline {
  count: number | undefined;

  get noted(): number {
    if (this.count === undefined) throw new Error('no connection count was noted: a step must read it first');
    return this.count;
  }
}

/** Polls /health until its connection count satisfies `wanted`, or the deadline; the last count seen. */
export async function observeConnectionCount(world: GoldenPathWorld, wanted: (count: number) => boolean): Promise<number | undefined> {
  let last: number | undefined;
  await observeUntil(world.profile.replyWithinMs, async () => {
    last = await connectionCount(world);
    return last !== undefined && wanted(last) ? true : undefined;
  });
  return last;
}

export function readServiceHealth(world: GoldenPathWorld): Promise<HealthReading> {
  return readHealth(world.target.endpoint, world.profile.replyWithinMs);
}

export async function noteConnectionCount(world: GoldenPathWorld): Promise<void> {
  const count = await connectionCount(world);
  if (count === undefined) throw new Error('GET /health gives no connection count (GP-2.1): operators cannot see how many users are connected');
  world.state(ConnectionBaseline).count = count;
}
