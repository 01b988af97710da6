import type { GoldenPathWorld } from '../world';
import type { ChatConnection } from '../client/chat-connection';
import { followUpRequest } from '../actors/requests';
import { frameData, frameType } from '../domain/frames';
import { eventsOfRun, strayEvents } from '../oracle/run-events';
import { reviewCoverage, reviewResumedStream } from '../oracle/resume-rules';
import { expectRunFollowsEveryRule } from '../expectations/run-expectations';
import { failIfAny } from '../expectations/violation-error';

/**
 * Steps about runs outliving sockets: re-sent messages, several tabs,
 * dropped connections and resume (PROTOCOL §5 and §7).
 */

/** A round trip on `connection`: everything the server sent before the pong has arrived. */
export async function barrier(world: GoldenPathWorld, connection: ChatConnection): Promise<void> {
  const nonce = `barrier-${connection.sent.length}-${Math.random().toString(36).slice(2, 8)}`;
  connection.send('ping', { nonce });
  await connection.waitFor('waiting for pong (every earlier frame has arrived)', world.profile.replyWithinMs, (frames) =>
    frames.find((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === nonce),
  );
}

export async function openTabs(world: GoldenPathWorld, name: string, count: number): Promise<void> {
  const user = world.user(name);
  for (let tab = 0; tab < count; tab += 1) await user.openChat();
}

export function askFollowUp(world: GoldenPathWorld, name: string): void {
  const user = world.user(name);
  const previous = user.latestMessage.accepted;
  if (previous === undefined) throw new Error(`${name}'s first message was never accepted, so there is no conversation to follow up in`);
  user.ask(followUpRequest(), { threadId: previous.threadId });
}

export function resendLatest(world: GoldenPathWorld, name: string): void {
  world.user(name).resend(world.user(name).latestMessage);
}

export async function sameAcknowledgementBothTimes(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const acks = await message.connection.waitFor(`waiting for a message_accepted for each of the 2 sends of ${message.clientMessageId.slice(0, 8)}`, world.profile.replyWithinMs, (frames) => {
    const found = frames.filter((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === message.clientMessageId);
    return found.length >= 2 ? found : undefined;
  });
  const [first, second] = acks.map(frameData) as [Record<string, unknown>, Record<string, unknown>];
  const differing = (['message_id', 'thread_id', 'run_id'] as const).filter((field) => first[field] !== second[field]);
  failIfAny(`${name}'s re-sent message was not recognised`, differing.map((field) =>
    `the re-sent message got ${field} ${String(second[field])} instead of ${String(first[field])}: the server took a retry for a new message, so ${name} gets a duplicate question, a second run and a second bill`));
}

/** After the run ends and a round trip, no other run exists for the user's message. */
export async function onlyOneRun(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const run = user.latestRun;
  await barrier(world, run.connection);
  const strays = strayEvents(run.connection.received, user.knownRunIds());
  const runIds = new Set(strays.map((event) => String(event.runId)));
  failIfAny(`${name}'s message started more than one run`, runIds.size === 0 ? [] : [
    `besides run ${run.accepted.runId.slice(0, 8)}, ${name} received events of ${runIds.size} other run(s) (${[...runIds].map((id) => id.slice(0, 8)).join(', ')}) that no acknowledgement named: a retry started a second run, so she sees two answers and pays twice`,
  ]);
}

export async function usePacedAgent(world: GoldenPathWorld): Promise<void> {
  await world.usePacedBackend();
}

/** Waits until the agent is visibly working (an event after agent_started), then cuts the connection. */
export async function dropMidRun(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const accepted = await user.awaitAccepted(message);
  await message.connection.waitFor('waiting for the agent to be working (an event after agent_started)', world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames, accepted.runId).find((event) => typeof event.seq === 'number' && event.seq >= 2),
  );
  await message.connection.drop();
  const seen = eventsOfRun(message.connection.received, accepted.runId);
  if (seen.some((event) => event.type === 'agent_completed')) {
    throw new Error(`the run finished before ${name}'s connection could be cut, so this scenario cannot test resume: run it against a paced agent (AGENT_STEP_DELAY_MS)`);
  }
}

/** The highest seq this connection received of the run. */
function lastSeqSeen(connection: ChatConnection, runId: string): number {
  return Math.max(0, ...eventsOfRun(connection.received, runId).map((event) => (typeof event.seq === 'number' ? event.seq : 0)));
}

/** Opens a tab and resumes the latest run after `afterSeq` (default: the last seq the previous tab saw). */
export async function resumeInNewTab(world: GoldenPathWorld, name: string, fromStart: boolean): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const accepted = await user.awaitAccepted(message);
  const afterSeq = fromStart ? 0 : lastSeqSeen(message.connection, accepted.runId);
  const tab = await user.openChat();
  const from = tab.received.length;
  tab.send('resume', { run_id: accepted.runId, after_seq: afterSeq });
  user.resumes.push({ connection: tab, runId: accepted.runId, afterSeq, fromIndex: from });
  await tab.waitFor(`waiting for agent_completed of run ${accepted.runId.slice(0, 8)} after resuming from seq ${afterSeq}`, world.profile.runCompletesWithinMs, (frames) =>
    eventsOfRun(frames.slice(from), accepted.runId).find((event) => event.type === 'agent_completed'),
  );
}

export function everyEventSeenAcrossConnections(world: GoldenPathWorld, name: string): void {
  const user = world.user(name);
  const runId = user.latestMessage.accepted?.runId;
  if (runId === undefined) throw new Error(`${name}'s message was never accepted`);
  failIfAny(`${name} lost part of her run`, reviewCoverage(name, runId, user.connections.map((connection) => connection.received)));
}

export function resumedStreamInOrder(world: GoldenPathWorld, name: string): void {
  const user = world.user(name);
  const resume = user.resumes.at(-1);
  if (resume === undefined) throw new Error(`${name} has not resumed anything`);
  failIfAny(`${name}'s resumed stream is broken`, reviewResumedStream(name, resume.runId, resume.afterSeq, resume.connection.received.slice(resume.fromIndex)));
}

/** Every tab of the user watched the latest run to its end, and each stream follows every rule on its own. */
export async function everyTabSeesWholeRun(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  for (const connection of user.connections) {
    const run = await user.watchRun(message, connection);
    expectRunFollowsEveryRule(user, run, world.profile);
  }
}

export async function triesToResumeSomeoneElsesRun(world: GoldenPathWorld, intruder: string, owner: string): Promise<void> {
  const target = await world.user(owner).awaitAccepted(world.user(owner).latestMessage);
  const tab = world.user(intruder).chat;
  tab.send('resume', { run_id: target.runId, after_seq: 0 });
}

export async function toldRunNotFound(world: GoldenPathWorld, name: string): Promise<void> {
  const tab = world.user(name).chat;
  const error = await tab.waitFor('waiting for the refusal of the resume', world.profile.replyWithinMs, (frames) => frames.find((frame) => frameType(frame) === 'error'));
  const code = frameData(error).code;
  failIfAny(`${name} was not refused`, code === 'NOT_FOUND' ? [] : [
    `resuming someone else's run answered ${String(code)} instead of NOT_FOUND: ${code === 'FORBIDDEN' ? "the answer confirms the run exists, which leaks another user's activity" : 'the client cannot tell the run is not hers'}`,
  ]);
}

export async function receivesNoneOfTheirEvents(world: GoldenPathWorld, name: string, owner: string): Promise<void> {
  const ownerUser = world.user(owner);
  const run = await ownerUser.watchRun(ownerUser.latestMessage);
  const leaks: string[] = [];
  for (const tab of world.user(name).connections) {
    await barrier(world, tab);
    const seen = eventsOfRun(tab.received, run.accepted.runId);
    if (seen.length > 0) {
      leaks.push(`${tab.label} received ${seen.length} event(s) of ${owner}'s run ${run.accepted.runId.slice(0, 8)} (${seen.map((event) => event.type).join(', ')}): one user's conversation leaked to another — a privacy breach`);
    }
    const mentions = tab.received.filter((frame) => frame.text.includes(run.accepted.runId) && frameType(frame) !== 'error');
    if (seen.length === 0 && mentions.length > 0) {
      leaks.push(`${tab.label} received ${mentions.length} frame(s) naming ${owner}'s run: details of another user's conversation leaked`);
    }
  }
  failIfAny(`${owner}'s run leaked to ${name}`, leaks);
}
