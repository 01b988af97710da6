import { frameData, frameType } from '../domain/frames';
import { Limits, RefusalStatus } from '../../protocol/constants';
import { judgeConnectionLimit } from './judges/connections';
import { judgePong } from './judges/answers';
import { floodAnswers } from '../oracle/flood-answers';
import type { ChatUser } from '../actors/chat-user';
import { violation, type Violation } from '../oracle/violation';
import { ConnectionBaseline, observeConnectionCount } from '../scenario/service-health';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';

/** Then: handshakes racing each other and the server's readiness (PROTOCOL §3, §9; the seed plan's first critical issue). */
export function everyoneIsReady(world: GoldenPathWorld): void {
  expect(world.crowd).to.allBeReady();
}

export function noConnectionBroken(world: GoldenPathWorld): void {
  expect(world.crowd.flatMap((user) => user.tabs)).to.stayUnbroken();
}

/** The early frames' answers: connection_established first, then the answers in the order sent (PROTOCOL §3). */
export async function readyBeforeAnythingIsAnswered(world: GoldenPathWorld, user: ChatUser, lastNonce: string): Promise<void> {
  const tab = user.chat;
  await tab.until(world.profile.replyWithinMs, (frames) => frames.find((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === lastNonce));
  const first = tab.received[0];
  expect({
    headline: `${user.name}'s chat answered before it said it was ready`,
    evaluated: ['GP-3.18'],
    violations: first !== undefined && frameType(first) === 'connection_established' ? [] : [violation('GP-3.18', `the first frame ${user.name} received was ${first === undefined ? 'nothing' : frameType(first) ?? first.text.slice(0, 80)}, not connection_established: a client that waits for readiness before reading (as the protocol promises it may) misses what came first`)],
  }).to.holdUp();
}

export function answeredInTheOrderSent(user: ChatUser, nonces: readonly [string, string], clientMessageId: string): void {
  const tab = user.chat;
  const position = (predicate: (frame: (typeof tab.received)[number]) => boolean): number => tab.received.findIndex(predicate);
  const firstPong = position((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === nonces[0]);
  const accepted = position((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === clientMessageId);
  const secondPong = position((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === nonces[1]);
  const limited = tab.received.filter((frame) => frameType(frame) === 'error' && frameData(frame).code === 'RATE_LIMITED');
  const violations: Violation[] = [];
  if (firstPong === -1 || accepted === -1 || secondPong === -1) {
    violations.push(violation('GP-3.19', `of the three frames ${user.name} sent before the chat was ready, ${[firstPong, accepted, secondPong].filter((index) => index === -1).length} went unanswered: frames sent in the first milliseconds are lost, so a fast client's first question silently disappears`));
  } else if (!(firstPong < accepted && firstPong < secondPong)) {
    // Processed in order: the first ping before the question and the second ping. The question's acknowledgement waits for a commit, so it may come after the second pong.
    violations.push(violation('GP-3.19', `the frames ${user.name} sent before readiness were answered out of order (ping ${firstPong}, question ${accepted}, ping ${secondPong}): the server reordered her input, so replies no longer match what she asked`));
  }
  if (limited.length > 0) violations.push(violation('GP-3.20', `${limited.length} of the frames sent before connection_established were answered RATE_LIMITED: a client that sends its queue on reconnect is told to slow down for frames the server had not even read`));
  expect({ headline: `${user.name}'s early frames were mishandled`, evaluated: ['GP-3.19', 'GP-3.20'], violations }).to.holdUp();
}

/** Frames sent with the handshake: answered after connection_established, all of them, in order, none RATE_LIMITED (PROTOCOL §3). */
export async function queuedFramesServedAfterReady(world: GoldenPathWorld, user: ChatUser, nonces: readonly string[]): Promise<void> {
  const tab = user.chat;
  const expected = new Set(nonces);
  await tab.until(world.profile.patienceMs, (frames) => {
    const { pongs, limited } = floodAnswers(frames, expected);
    return pongs + limited.length >= nonces.length ? true : undefined;
  });
  const first = tab.received[0];
  const answered = tab.received.filter((frame) => frameType(frame) === 'pong' && expected.has(String(frameData(frame).nonce))).map((frame) => String(frameData(frame).nonce));
  const { limited } = floodAnswers(tab.received, expected);
  const violations: Violation[] = [];
  if (first === undefined || frameType(first) !== 'connection_established') {
    violations.push(violation('GP-3.18', `the first frame ${user.name} received was ${first === undefined ? 'nothing' : frameType(first) ?? first.text.slice(0, 80)}, not connection_established: a client that waits for readiness before reading misses what came first`));
  }
  if (limited.length > 0) {
    violations.push(violation('GP-3.20', `${limited.length} of the ${nonces.length} frames ${user.name}'s app sent with its handshake were answered RATE_LIMITED: a client that sends its queue on reconnect is told to slow down for frames the server had not even read`));
  }
  const missing = nonces.length - answered.length - limited.length;
  if (missing > 0) violations.push(violation('GP-3.19', `${missing} of the ${nonces.length} frames sent with the handshake were never answered (waited ${(world.profile.patienceMs / 1000).toFixed(0)} s): frames sent in the first milliseconds are lost`));
  const inOrder = nonces.filter((nonce) => answered.includes(nonce));
  if (answered.join(' ') !== inOrder.join(' ')) violations.push(violation('GP-3.19', `the frames sent with the handshake were answered out of order (${answered.slice(0, 8).join(', ')}, …): the server reordered ${user.name}'s input`));
  expect({ headline: `${user.name}'s queue, sent with her handshake, was mishandled`, evaluated: ['GP-3.18', 'GP-3.19', 'GP-3.20'], violations }).to.holdUp();
}

/** Back to exactly the count before, on an instance nobody else uses. */
export async function backToTheConnectionsBefore(world: GoldenPathWorld, what: string): Promise<void> {
  const before = world.state(ConnectionBaseline).noted;
  expect(await observeConnectionCount(world, (count) => count === before)).to.countConnections(before, 0, what);
}

export async function countsTheTabsOpened(world: GoldenPathWorld, delta: number, what: string): Promise<void> {
  const before = world.state(ConnectionBaseline).noted;
  expect(await observeConnectionCount(world, (count) => count === before + delta)).to.countConnections(before, delta, what);
}

export function refusedAsOneTooMany(user: ChatUser): void {
  expect(user.latestAttempt).to.beRefusedBeforeTheUpgrade(RefusalStatus.TooManyConnections, 'GP-3.17', 'a client cannot tell "too many tabs" from a broken chat, and one user can hog an instance');
}

/** Every crowd member's tab of before the restart was closed with 1001 (PROTOCOL §1). */
export async function everyoneToldGoingAway(world: GoldenPathWorld): Promise<void> {
  const tabs = world.crowd.flatMap((user) => user.tabs.slice(0, 1));
  const closes = await Promise.all(tabs.map(async (tab) => ({ tab, close: tab.closeEvent ?? (await tab.untilClosed(world.profile.replyWithinMs)) })));
  expect(closes).to.allBeToldGoingAway();
  expect(world.target.ownBackend.exits.at(-1)).to.haveExitedCleanly();
}

export function onlyTheLimitGetsIn(user: ChatUser, count: number): void {
  expect(judgeConnectionLimit(user.attempts.slice(-count), Limits.maxConnectionsPerUser)).to.holdUp();
}

/** The latest ping's pong carries its nonce. */
export async function pongWithTheSameNonce(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const probe = user.latestProbe;
  const sent = (JSON.parse(probe.text) as { data: { nonce?: unknown } }).data.nonce;
  const pong = await probe.tab.until(world.profile.patienceMs, (frames) => frames.slice(probe.from).find((frame) => frameType(frame) === 'pong'));
  expect(judgePong(probe.what, sent, pong, pong === undefined ? world.profile.patienceMs : pong.receivedAt - probe.sentAt, world.profile.replyWithinMs)).to.holdUp();
}
