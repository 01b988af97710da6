import type { ChatUser } from '../actors/chat-user';
import { spendAnalysisRequest } from '../actors/requests';
import { BrowserChat, type BrowserChatOutcome } from '../client/browser-client';
import { parseServerFrame, type ReceivedFrame } from '../domain/frames';
import { newClientMessageId } from '../domain/ids';
import type { GoldenPathWorld } from '../world';

/** What one user's browser saw: the page's frames, in page time. */
export interface BrowserVisit {
  readonly user: ChatUser;
  readonly clientMessageId: string;
  readonly outcome: BrowserChatOutcome;
  /** The page's frames as the suite's own records (receivedAt in page time, from startedAt). */
  readonly frames: readonly ReceivedFrame[];
  /** performance.now() when the page began to connect. */
  readonly startedAt: number;
}

/** The browsers of the scenario (created on first use). */
export class BrowserVisits {
  readonly visits: BrowserVisit[] = [];

  of(user: ChatUser): BrowserVisit {
    const visit = this.visits.filter((candidate) => candidate.user === user).at(-1);
    if (visit === undefined) throw new Error(`${user.name} has not used the chat from a browser: a step must do that first`);
    return visit;
  }
}

/**
 * Acting: headless Chromium loads a page that opens the chat the only way a
 * browser can — the token in the subprotocols (PROTOCOL §3) — asks one
 * question and collects every frame until the run completes.
 */
export async function asksFromBrowser(world: GoldenPathWorld, user: ChatUser): Promise<BrowserVisit> {
  const browser = await BrowserChat.launch(world.profile.browserLaunchTimeoutMs, { privateCa: world.target.endpoint.ca !== undefined });
  world.defer(() => browser.close());
  const request = spendAnalysisRequest(user.random);
  const clientMessageId = newClientMessageId();
  const outcome = await browser.chat(
    {
      wsUrl: world.target.endpoint.wsUrl,
      token: await user.token(),
      frameText: JSON.stringify({ type: 'user_message', data: { content: request.content, client_message_id: clientMessageId } }),
      clientMessageId,
      timeoutMs: world.profile.connectTimeoutMs + world.profile.runCompletesWithinMs,
    },
    world.profile.browserLaunchTimeoutMs,
  );
  const frames = outcome.frames.map((frame, index) => ({ index, receivedAt: frame.at, text: frame.text, frame: parseServerFrame(frame.text) }));
  const visit: BrowserVisit = { user, clientMessageId, outcome, frames, startedAt: outcome.startedAt };
  world.state(BrowserVisits).visits.push(visit);
  return visit;
}
