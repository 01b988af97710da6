import { CloseCode, type ErrorCode } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import { ruleOfMalformedFrame } from '../actors/hostile-frames';
import { answersMessage, frameData, frameType, type ReceivedFrame } from '../domain/frames';
import { ask } from '../scenario/conversation';
import { historyMessages } from '../client/history-client';
import { violation, type Violation } from '../oracle/violation';
import { readServiceHealth } from '../scenario/service-health';
import { FuzzBarrage } from '../scenario/fuzz-barrage';
import { Floods, waitsAsAsked } from '../scenario/raw-frames';
import { describeValue, excerpt, isObject, parseJson } from '../domain/json';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';
import { firstAnswer } from './judges/answers';
import { judgeAllServed } from './judges/hostile';

/** Then: what the chat answered to what a broken or hostile app sent (PROTOCOL §4, §8, §9). */
export async function toldTheFrameWas(world: GoldenPathWorld, user: ChatUser, code: ErrorCode): Promise<void> {
  const probe = user.latestProbe;
  const started = performance.now();
  const frame = await probe.tab.until(world.profile.patienceMs, (frames) => firstAnswer(frames, probe.from));
  world.log(`${probe.what}: answered ${frame?.text.slice(0, 240) ?? 'nothing'}`);
  const sent = parseJson(probe.text);
  const data = isObject(sent) && isObject(sent.data) ? sent.data : {};
  const readableId = isObject(sent) && sent.type === 'user_message' && typeof data.client_message_id === 'string' ? data.client_message_id : undefined;
  const readableRun = isObject(sent) && sent.type === 'resume' && typeof data.run_id === 'string' ? data.run_id : undefined;
  expect({ tab: probe.tab, frame, waitedMs: performance.now() - started, replyWithinMs: world.profile.replyWithinMs }).to.beTheError({
    what: `${user.name}'s app's ${probe.what}`,
    code,
    rule: ruleOfMalformedFrame(probe.what) ?? (code === 'UNSUPPORTED_TYPE' ? 'GP-4.12' : 'GP-4.11'),
    ...(readableId === undefined ? {} : { clientMessageId: readableId }),
    ...(readableRun === undefined ? {} : { runId: readableRun }),
    ifSilent: 'the app never learns its frame was rejected, so a buggy app version fails silently for every user',
    ifOtherCode: (other) => `the app cannot tell a malformed frame from ${other === 'UNSUPPORTED_TYPE' || code === 'UNSUPPORTED_TYPE' ? 'an unsupported one' : 'another problem'}, so developers chase the wrong bug`,
    ifServed: 'the server acts on input it should refuse, so garbage reaches the agent, the database or the bill',
  });
}

export async function closedBecauseTooBig(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const probe = user.latestProbe;
  const close = await probe.tab.untilClosed(world.profile.patienceMs);
  expect(probe.tab).to.closeWith(CloseCode.MessageTooBig, {
    rule: 'GP-8.1',
    after: probe.what,
    close,
    timing: { since: probe.sentAt, targetMs: world.profile.replyWithinMs },
    ifOpen: 'any client can make the server buffer and parse arbitrarily large messages — a memory exhaustion attack on every instance',
  });
}

export async function closedBecauseBinary(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const probe = user.latestProbe;
  const close = await probe.tab.untilClosed(world.profile.patienceMs);
  expect(probe.tab).to.closeWith(CloseCode.UnsupportedData, {
    rule: 'GP-8.2',
    after: probe.what,
    close,
    timing: { since: probe.sentAt, targetMs: world.profile.replyWithinMs },
    ifOpen: 'binary data is processed as text or silently ignored, so clients that send the wrong frame kind never learn why nothing happens',
  });
}

export function toldToSlowDown(world: GoldenPathWorld, user: ChatUser): void {
  expect(world.state(Floods).of(user)).to.beSlowedDown(world.profile);
}

/** PROTOCOL §8: after waiting retry_after_ms, the next frame is served — here, a whole question. */
export async function afterThePauseGetsAnAnswer(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  await waitsAsAsked(world.state(Floods).of(user));
  const message = ask(world, user);
  // A frame refused by the rate limit is not read, so its RATE_LIMITED cannot name it: any RATE_LIMITED from now on answers it.
  const isRateLimited = (frame: ReceivedFrame): boolean => frameType(frame) === 'error' && frameData(frame).code === 'RATE_LIMITED';
  const answer = await message.tab.until(world.profile.patienceMs, (frames) =>
    frames.find((frame) => frame.receivedAt >= message.frame.sentAt && (answersMessage(frame, message.clientMessageId) || isRateLimited(frame))),
  );
  const limited = answer !== undefined && isRateLimited(answer);
  expect({
    headline: `${user.name}'s app followed the pause the chat asked for and was still refused`,
    evaluated: ['GP-8.4'],
    violations: limited ? [violation('GP-8.4', `after waiting the retry_after_ms the chat asked for, ${user.name}'s question was answered RATE_LIMITED again: clients that follow the protocol are still refused, and give up`)] : [],
  }).to.holdUp();
  const run = await user.watchRun(message);
  expect(run).to.followEveryEventRule();
  expect(run).to.endWithAnActionableAnswer();
}

/**
 * PROTOCOL §4: content the backend cannot store as it is (U+0000) is stored
 * and returned unchanged by the history API, or refused with INVALID_MESSAGE
 * — never INTERNAL, never silence; when accepted, its run ends like any other.
 */
export async function keptAsWrittenOrRefused(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  const answer = await user.answerTo(message);
  const violations: Violation[] = [];
  const sent = JSON.stringify(message.request.content);
  if (answer === undefined) {
    violations.push(violation('GP-4.15', `nothing answered ${user.name}'s question containing U+0000 within ${(world.profile.patienceMs / 1000).toFixed(0)} s: she waits for an answer to ordinary input that will never come`));
  } else if (frameType(answer) === 'error') {
    const code = describeValue(frameData(answer).code);
    if (frameData(answer).code !== 'INVALID_MESSAGE') violations.push(violation('GP-4.15', `${user.name}'s question containing U+0000 was answered ${code} instead of being stored unchanged or refused with INVALID_MESSAGE: ordinary user input crashes the request, and she sees a server error she cannot act on`));
  } else {
    const accepted = await user.accepted(message);
    const read = await user.readHistory(accepted.threadId);
    const stored = historyMessages(read.response)?.find((candidate) => candidate.client_message_id === message.clientMessageId);
    if (stored === undefined) violations.push(violation('GP-4.15', `${user.name}'s question containing U+0000 was acknowledged, but the history (HTTP ${read.response.status}) does not hold it: the message was lost on the way to storage`));
    else if (stored.content !== message.request.content) violations.push(violation('GP-4.15', `${user.name} asked ${excerpt(sent, 120)} and the history returns ${excerpt(JSON.stringify(stored.content), 120)}: content the database cannot hold as it is must come back unchanged`));
    const run = await user.watchRun(message);
    const completed = run.events.find((event) => event.type === 'agent_completed');
    const error = completed?.data.status === 'error' && isObject(completed.data.error) ? completed.data.error : undefined;
    if (error?.code === 'INTERNAL') violations.push(violation('GP-4.15', `the run answering ${user.name}'s question containing U+0000 failed with INTERNAL (${excerpt(JSON.stringify(error), 160)}): the input was accepted but crashed the work it started`));
  }
  expect({ headline: `${user.name}'s question containing U+0000 was not kept or refused the way the protocol says`, evaluated: ['GP-4.15'], violations }).to.holdUp();
}

export function fuzzBrokeNothing(world: GoldenPathWorld): void {
  expect(world.state(FuzzBarrage)).to.haveBrokenNothing(world.profile);
}

export async function stillReportsItselfHealthy(world: GoldenPathWorld): Promise<void> {
  const seed = world.state(FuzzBarrage).seed;
  expect(await readServiceHealth(world)).to.beHealthy(`after hostile input (seed ${seed}; replay with GOLDEN_PATH_SEED=${seed})`);
}

export function everyFrameServed(world: GoldenPathWorld, user: ChatUser): void {
  const flood = world.state(Floods).of(user);
  expect(judgeAllServed(flood.probe, flood.count, flood.nonces)).to.holdUp();
}
