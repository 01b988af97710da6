import type { ChatUser, ResumeRequest } from '../actors/chat-user';
import type { ChatConnection } from '../client/chat-connection';
import { eventsOfRun, lastSeqSeen } from '../oracle/run-events';
import type { OwnBackend } from '../target/own-backend';
import type { GoldenPathWorld } from '../world';
import { freshEmptyDatabase, INSTANCES } from './deployments';

/**
 * Acting: an instance that dies mid-run (SIGKILL, as a crash, an OOM kill or
 * a preempted node would) — while another instance shares its database, or
 * alone and then started again (PROTOCOL §5, clarified 2026-12-02).
 */

/** What the scenario knows about the death. */
export class InstanceDeath {
  /** When the instance was dead (performance.now()). */
  diedAt: number | undefined;
  /** The run it was running, and the tool calls open in it when it died. */
  runId: string | undefined;
  openToolCalls: string[] = [];
  /** When the next instance was ready (alone: it was started again). */
  nextReadyAt: number | undefined;

  get death(): { diedAt: number; runId: string; openToolCalls: readonly string[] } {
    if (this.diedAt === undefined || this.runId === undefined) throw new Error('no instance died in this scenario: a step must kill one mid-run first');
    return { diedAt: this.diedAt, runId: this.runId, openToolCalls: this.openToolCalls };
  }
}

/** Each agent step lasts dyingStepDelayMs, far longer than a kill takes: the instance surely dies with a tool call open. */
function slowAgent(world: GoldenPathWorld): Record<string, string> {
  return { AGENT_STEP_DELAY_MS: String(world.profile.dyingStepDelayMs) };
}

export async function twoInstancesWithSlowAgent(world: GoldenPathWorld): Promise<void> {
  await Promise.all(INSTANCES.map((label) => world.target.launchOwn(label, slowAgent(world))));
}

/** One instance on a database nobody else uses: when it dies, no other instance is there to end its runs. */
export async function aloneOnItsDatabase(world: GoldenPathWorld): Promise<void> {
  await world.target.useOwnBackend({ stepDelayMs: world.profile.dyingStepDelayMs, databaseUrl: await freshEmptyDatabase(world) });
}

/**
 * Waits until the agent of the user's latest run is using a tool (a
 * tool_executing not yet completed), then kills `instance` with SIGKILL.
 * Her tabs on it go down with it, without a close frame (the exception §5 makes to §9).
 */
export async function instanceDiesDuringTool(world: GoldenPathWorld, user: ChatUser, instance: OwnBackend, tabsOnIt: readonly ChatConnection[]): Promise<void> {
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  const open = (frames: Parameters<typeof eventsOfRun>[0]): string[] => {
    const events = eventsOfRun(frames, accepted.runId);
    const completed = new Set(events.filter((event) => event.type === 'tool_completed').map((event) => String(event.data.tool_call_id)));
    return events.filter((event) => event.type === 'tool_executing' && !completed.has(String(event.data.tool_call_id))).map((event) => String(event.data.tool_call_id));
  };
  await message.tab.waitFor('waiting for the agent to be using a tool', world.profile.patienceMs, (frames) => (open(frames).length > 0 ? true : undefined));
  for (const tab of tabsOnIt) tab.outliveItsInstance();
  const diedAt = await instance.kill();
  const death = world.state(InstanceDeath);
  death.diedAt = diedAt;
  death.runId = accepted.runId;
  death.openToolCalls = open(message.tab.received);
  world.log(`${instance.label} killed with ${death.openToolCalls.length} tool call(s) open in run ${accepted.runId.slice(0, 8)}`);
  if (eventsOfRun(message.tab.received, accepted.runId).some((event) => event.type === 'agent_completed')) {
    throw new Error(`${user.name}'s run ended before its instance could be killed, so this scenario cannot test a death mid-run: its agent must be slower (dyingStepDelayMs)`);
  }
}

/** The scenario's own backend, dead, is started again: same command, same environment, same port. */
export async function startedAgain(world: GoldenPathWorld): Promise<void> {
  await world.target.ownBackend.startAgain();
  world.state(InstanceDeath).nextReadyAt = performance.now();
}

/**
 * As her app does after losing its connection: on a new tab (on the instance
 * `instanceLabel`, default the scenario's backend), resumes the dead run after
 * the last event the tab that asked — which died with its instance — saw.
 */
export async function resumesTheDeadRun(world: GoldenPathWorld, user: ChatUser, instanceLabel?: string): Promise<ResumeRequest> {
  const { runId } = world.state(InstanceDeath).death;
  const afterSeq = lastSeqSeen(user.latestMessage.tab.received, runId);
  const tab = await user.openTab(instanceLabel === undefined ? {} : { endpoint: world.target.instance(instanceLabel), instanceLabel });
  return user.resume(tab, runId, afterSeq);
}
