import { Limits } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import type { ChatConnection } from '../client/chat-connection';
import type { GoldenPathWorld } from '../world';

/**
 * Acting: a tab that stops reading its socket — a phone on a stalled
 * network, a laptop gone to sleep, a frozen background tab — while the
 * user's other tab goes on chatting (PROTOCOL §5: every tab of the user
 * receives the run; the timing rules hold for each).
 *
 * A socket that is not read does not hold up its sender at first: the
 * operating system buffers a lot for it (about 4 MB over loopback), and a
 * run is a few kilobytes. Only once those buffers are full does a server
 * have to choose between holding the frames itself and waiting for the
 * socket — the choice that decides whether a slow tab slows everyone. So the
 * stalled tab first has the server echo more than the buffers hold: pings
 * whose nonce (as large as a client frame may be) each pong must carry back,
 * at the rate the protocol always serves (PROTOCOL §8).
 */
export class StalledTabs {
  tab: ChatConnection | undefined;
  /** Bytes of pongs the stalled tab asked for while it was not reading. */
  backlogBytes = 0;

  get stalled(): ChatConnection {
    if (this.tab === undefined) throw new Error('no tab has stopped reading: a step must stall one first');
    return this.tab;
  }
}

/** The envelope of a ping around its nonce, with room to spare: the frame stays within the protocol's message limit. */
const PING_ENVELOPE_BYTES = 64;

/** A tab of the user other than the one she is using stops reading, then leaves more waiting on the server than the network holds. */
export async function stallATab(world: GoldenPathWorld, user: ChatUser): Promise<ChatConnection> {
  const using = user.chat;
  const tab = user.tabs.find((candidate) => candidate !== using && candidate.isOpen);
  if (tab === undefined) throw new Error(`${user.name} has only one tab open: a step must open two, so that one can stall while she uses the other`);
  const state = world.state(StalledTabs);
  state.tab = tab;
  tab.stopReading();
  const nonceLength = Limits.maxMessageBytes - PING_ENVELOPE_BYTES;
  const pings = Math.ceil(world.profile.stalledTabBacklogBytes / nonceLength);
  // A send schedule that keeps to the protocol's rate (its window, with a tenth to spare for the network's jitter), not a wait for a condition.
  const batchEveryMs = Limits.rateWindowMs * 1.1;
  for (let sent = 0; sent < pings; sent += Limits.rateLimitFrames) {
    const batchStartedAt = performance.now();
    for (let index = sent; index < Math.min(pings, sent + Limits.rateLimitFrames); index += 1) {
      const nonce = `backlog-${index}-`.padEnd(nonceLength, 'x');
      tab.send('ping', { nonce });
      state.backlogBytes += nonce.length;
    }
    if (sent + Limits.rateLimitFrames < pings) await new Promise((resolve) => setTimeout(resolve, batchStartedAt + batchEveryMs - performance.now()));
  }
  return tab;
}
