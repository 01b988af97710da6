import type { ChatUser } from '../actors/chat-user';
import { transcript } from './transcript';

/**
 * A scenario's transcript: every tab of the cast, frame by frame, and each
 * refused handshake; a crowd is summarised (how many connections, how they
 * closed), not transcribed.
 */
export function scenarioTranscript(users: readonly ChatUser[], origin: number): string {
  const cast = users.filter((user) => !user.inCrowd);
  const stamp = (at: number): string => `+${((at - origin) / 1000).toFixed(3)}s`.padStart(9);
  const refusals = cast.flatMap((user) => user.attempts.flatMap((attempt) =>
    attempt.refusal === undefined ? [] : [`${stamp(attempt.startedAt)}  ${attempt.label} ✕ refused before the upgrade with HTTP ${attempt.refusal.status} (${attempt.presentedAs}): ${attempt.refusal.body.slice(0, 160)}`],
  ));
  const parts = [transcript(cast.flatMap((user) => user.tabs), origin), ...refusals].filter((part) => part !== '');
  const crowd = users.filter((user) => user.inCrowd);
  if (crowd.length > 0) {
    const tabs = crowd.flatMap((user) => user.tabs);
    const closes = new Map<string, number>();
    for (const tab of tabs) {
      const code = tab.closeEvent === undefined ? 'open' : String(tab.closeEvent.code);
      closes.set(code, (closes.get(code) ?? 0) + 1);
    }
    const refused = crowd.flatMap((user) => user.attempts).filter((attempt) => attempt.refusal !== undefined).length;
    parts.push(`crowd of ${crowd.length} users: ${tabs.length} connections${refused > 0 ? `, ${refused} refused` : ''}, closed with ${[...closes].map(([code, count]) => `${code} × ${count}`).join(', ')}`);
  }
  return parts.join('\n');
}
