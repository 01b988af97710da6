import { Limits } from '../../protocol/constants';
import type { ChatUser, Probe } from '../actors/chat-user';
import { malformedFrame } from '../actors/hostile-frames';
import { frameData } from '../domain/frames';
import { floodAnswers } from '../oracle/flood-answers';

/**
 * Acting: what a broken or hostile app sends on purpose — named malformed
 * frames, oversize and binary messages, bursts (PROTOCOL §4, §8) — each
 * remembered by the user as a probe, whose answers the judges read.
 */
export function sendsMalformed(user: ChatUser, frameName: string): Probe {
  return user.sendRaw(frameName, malformedFrame(frameName));
}

/** A user_message just over the size limit, in one frame or in 4 KiB fragments. */
export function sendsOversize(user: ChatUser, fragmented: boolean): Probe {
  const text = JSON.stringify({ type: 'user_message', data: { content: 'x'.repeat(Limits.maxMessageBytes + 4_000), client_message_id: '00000000-0000-4000-8000-000000000000' } });
  const what = `a ${Math.round(text.length / 1024)} KiB message${fragmented ? ' in 4 KiB fragments' : ''}`;
  return user.sendRaw(what, text, fragmented ? { fragmentBytes: 4_096 } : 'text');
}

export function sendsBinary(user: ChatUser): Probe {
  return user.sendRaw('a binary frame', JSON.stringify({ type: 'ping', data: { nonce: 'sent as binary' } }), 'binary');
}

/** A burst of frames the user's app sent, as the step observed it. */
export interface Flood {
  readonly probe: Probe;
  readonly count: number;
  readonly nonces: ReadonlySet<string>;
  readonly answeredInTime: boolean;
  readonly answeredAfterMs: number;
}

/** The floods the scenario's users sent, by probe (created on first use). */
export class Floods {
  readonly floods: Flood[] = [];

  of(user: ChatUser): Flood {
    const flood = this.floods.filter((candidate) => candidate.probe.tab.label.startsWith(`${user.name}/`)).at(-1);
    if (flood === undefined) throw new Error(`${user.name}'s app has not sent a burst of frames: a step must send it first`);
    return flood;
  }
}

/** `count` pings at once, then waits (up to a reply's time) for every one to be answered, one way or the other. */
export async function sendsBurst(user: ChatUser, count: number, floods: Floods): Promise<Flood> {
  const tab = user.chat;
  const from = tab.received.length;
  const nonces = new Set(Array.from({ length: count }, (_, index) => `burst-${tab.sent.length}-${index + 1}`));
  const probe: Probe = { tab, what: `${count} frames at once`, text: '', from, sentAt: performance.now() };
  user.probes.push(probe);
  for (const nonce of nonces) tab.send('ping', { nonce });
  const answered = await tab.until(user.profile.patienceMs, (frames) => {
    const answers = floodAnswers(frames.slice(from), nonces);
    return answers.pongs + answers.limited.length >= count ? true : undefined;
  });
  const flood: Flood = { probe, count, nonces, answeredInTime: answered === true, answeredAfterMs: performance.now() - probe.sentAt };
  floods.floods.push(flood);
  return flood;
}

/** As many frames as the protocol always serves within one second. */
export const ALWAYS_SERVED = Limits.rateLimitFrames;

/**
 * Waits the pause the server itself asked for — until the latest moment any
 * retry_after_ms of the flood points to: following the protocol, not guessing
 * (a timer for a duration the server named, not a sleep standing in for a condition).
 */
export async function waitsAsAsked(flood: Flood): Promise<void> {
  const { limited } = floodAnswers(flood.probe.tab.received.slice(flood.probe.from), flood.nonces);
  const resumeAt = Math.max(performance.now(), ...limited.map((frame) => frame.receivedAt + Number(frameData(frame).retry_after_ms)).filter(Number.isFinite));
  await new Promise<void>((resolve) => setTimeout(resolve, resumeAt - performance.now()));
}
