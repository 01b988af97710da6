import { CloseCode, Limits } from '../../../protocol/constants';
import type { Probe } from '../../actors/chat-user';
import { describeClose } from '../../client/chat-connection';
import type { EnvironmentProfile } from '../../config/environment-profile';
import { frameData } from '../../domain/frames';
import { excerpt } from '../../domain/json';
import { floodAnswers } from '../../oracle/flood-answers';
import { violation, type Judgement, type Violation } from '../../oracle/violation';
import type { FuzzBarrage } from '../../scenario/fuzz-barrage';

/**
 * PROTOCOL §8: more than 20 frames in a second get RATE_LIMITED with
 * retry_after_ms (at most 1000); the first 20 are served; every frame is
 * answered one way or the other; the connection stays open.
 */
export function judgeFlood(probe: Probe, count: number, nonces: ReadonlySet<string>, answeredInTime: boolean, answeredAfterMs: number, profile: EnvironmentProfile): Judgement {
  const { tab } = probe;
  const { pongs, limited, otherErrors } = floodAnswers(tab.received.slice(probe.from), nonces);
  const violations: Violation[] = [];
  if (tab.closeEvent !== undefined) {
    violations.push(violation('GP-8.3', `the flood closed ${tab.label} (${describeClose(tab.closeEvent)}): a client bug that loops on send disconnects the user instead of slowing her app down`));
  }
  if (limited.length === 0) {
    violations.push(violation('GP-8.3', `all ${pongs} of the ${count} frames sent at once were served and none was refused with RATE_LIMITED (the limit is ${Limits.rateLimitFrames} a second): one looping client can monopolise an instance and the database behind it, degrading every other user`));
  }
  if (pongs < Math.min(count, Limits.rateLimitFrames)) {
    violations.push(violation('GP-8.5', `only ${pongs} of the first ${Limits.rateLimitFrames} frames were served: a busy but well-behaved client is told to slow down for frames the protocol lets through`));
  }
  const unusable = limited.filter((frame) => {
    const retry = frameData(frame).retry_after_ms;
    return typeof retry !== 'number' || !Number.isFinite(retry) || retry < 0;
  });
  if (unusable.length > 0) {
    violations.push(violation('GP-8.3', `${unusable.length} RATE_LIMITED answers carry no usable retry_after_ms (${excerpt(unusable[0]?.text ?? '')}): the app cannot know when to try again, so it either hammers the server or gives up`));
  }
  const longest = Math.max(0, ...limited.map((frame) => Number(frameData(frame).retry_after_ms)).filter(Number.isFinite));
  if (longest > Limits.maxRetryAfterMs) {
    violations.push(violation('GP-8.3', `RATE_LIMITED asks the app to wait ${longest} ms, longer than the protocol's ${Limits.maxRetryAfterMs} ms: a burst freezes the chat for longer than it needs to`));
  }
  if (!answeredInTime && tab.closeEvent === undefined) {
    violations.push(violation('GP-8.3', `only ${pongs + limited.length} of the ${count} frames were answered (${pongs} pongs, ${limited.length} RATE_LIMITED${otherErrors.length > 0 ? `, other errors: ${otherErrors.join(', ')}` : ''}) within ${(profile.patienceMs / 1000).toFixed(0)} s: frames over the limit vanish without a word, so a question sent in a busy moment is silently lost`));
  }
  if (answeredInTime && answeredAfterMs > profile.replyWithinMs) {
    violations.push(violation('TGT-reply', `the ${count} frames were all answered only after ${(answeredAfterMs / 1000).toFixed(1)} s (target ${(profile.replyWithinMs / 1000).toFixed(1)} s): a burst makes the chat sluggish`));
  }
  return { headline: `${tab.label}'s flood was not limited the way the protocol says (${pongs} served, ${limited.length} RATE_LIMITED)`, evaluated: ['GP-8.3', 'GP-8.5'], violations };
}

/** No close at all (1011 or otherwise), no drop, every round answered, within the profile's budget. */
export function judgeFuzz(barrage: FuzzBarrage, profile: EnvironmentProfile): Judgement {
  const { seed, lanes, elapsedMs } = barrage;
  const sent = lanes.reduce((total, lane) => total + lane.sent, 0);
  const violations: Violation[] = [];
  const unfinished = lanes.filter((lane) => lane.unfinished !== undefined && lane.tab.closeEvent === undefined);
  if (elapsedMs > profile.fuzz.withinMs || unfinished.length > 0) {
    violations.push(violation('TGT-fuzz', `answering ${sent} random frames took ${(elapsedMs / 1000).toFixed(1)} s, over the budget of ${(profile.fuzz.withinMs / 1000).toFixed(0)} s${unfinished.length > 0 ? ` (${unfinished.length} connections were still being answered when the barrage had to end)` : ''}: garbage input slows the chat to a crawl, so one misbehaving client degrades everyone's conversations`));
  }
  for (const lane of lanes) {
    const close = lane.tab.closeEvent;
    if (lane.stalled === undefined && close === undefined) continue;
    const suspects = lane.frames.slice(Math.max(0, lane.sent - 3), lane.sent).map((frame) => `${frame.kind}: ${excerpt(frame.text, 160)}`).join(' | ');
    if (close === undefined) violations.push(violation('GP-4.14', `${lane.tab.label} stopped answering (${lane.stalled ?? ''}); the last frames it sent: ${suspects}`));
    else if (close.code === CloseCode.InternalError) violations.push(violation('GP-9.1', `${lane.tab.label} was closed with 1011 (internal error) — the seed plan's critical failure, triggered by nothing but input; the last frames it sent: ${suspects}`));
    else if (close.code === CloseCode.Abnormal) violations.push(violation('GP-9.2', `${lane.tab.label} was dropped without a close frame (1006): the server crashed or cut the socket on bad input; the last frames it sent: ${suspects}`));
    else violations.push(violation('GP-4.14', `${lane.tab.label} was closed (${describeClose(close)}) although every frame was within the size limit and in text; the last frames it sent: ${suspects}`));
  }
  if (sent < profile.fuzz.frames && violations.length === 0) {
    throw new Error(`only ${sent} of ${profile.fuzz.frames} random frames were sent: the fuzz did not cover what the profile asks`);
  }
  return {
    headline: `random frames broke the chat (seed ${seed}; replay with GOLDEN_PATH_SEED=${seed}): every user whose app sends one such frame is thrown out or left hanging`,
    evaluated: ['GP-4.14', 'GP-9.1', 'GP-9.2', 'TGT-fuzz'],
    violations: violations.slice(0, 12),
  };
}

/** PROTOCOL §8: twenty frames within a second are always served — every one answered, none RATE_LIMITED. */
export function judgeAllServed(probe: Probe, count: number, nonces: ReadonlySet<string>): Judgement {
  const { pongs, limited, otherErrors } = floodAnswers(probe.tab.received.slice(probe.from), nonces);
  return {
    headline: `${probe.tab.label}'s ${count} frames in a second were not all served (${pongs} pongs, ${limited.length} RATE_LIMITED)`,
    evaluated: ['GP-8.5'],
    violations: pongs === count ? [] : [violation('GP-8.5', `only ${pongs} of ${count} frames sent within a second were served (${limited.length} RATE_LIMITED${otherErrors.length > 0 ? `, other errors: ${otherErrors.join(', ')}` : ''}): a busy but well-behaved client — a user typing fast, an app sending its queue — is told to slow down for traffic the protocol allows`)],
  };
}
