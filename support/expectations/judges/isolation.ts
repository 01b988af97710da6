import type { ChatUser } from '../../actors/chat-user';
import { frameData, frameType } from '../../domain/frames';
import { eventsOfRun } from '../../oracle/run-events';
import { violation, type Judgement, type Violation } from '../../oracle/violation';

/**
 * PROTOCOL §5: a run's events go to every connection of its user and to no
 * other user. Every frame on every tab of every user is checked, not a sample.
 */
export function judgeNoLeaks(users: readonly ChatUser[]): Judgement {
  const leaks: Violation[] = [];
  let checked = 0;
  for (const user of users) {
    const ownRuns = user.knownRunIds();
    for (const tab of user.tabs) {
      for (const frame of tab.received) {
        checked += 1;
        const body = frame.frame;
        if (body === undefined || frameType(frame) === 'error') continue;
        const data = frameData(frame);
        const runId = body.run_id ?? data.run_id;
        const userId = body.user_id ?? data.user_id;
        if (runId !== undefined && !ownRuns.has(typeof runId === 'string' ? runId : JSON.stringify(runId))) {
          leaks.push(violation('GP-5.2', `${tab.label} received ${String(body.type)} of run ${JSON.stringify(runId)?.slice(0, 9)}, which is not ${user.name}'s: one user's conversation is shown to another — a privacy breach`));
        } else if (userId !== undefined && userId !== user.id) {
          leaks.push(violation('GP-5.2', `${tab.label} received ${String(body.type)} addressed to user ${JSON.stringify(userId)}: events are being delivered to the wrong person`));
        }
      }
    }
  }
  return { headline: `events leaked between users (${leaks.length} of ${checked} frames on ${users.reduce((sum, user) => sum + user.tabs.length, 0)} connections of ${users.length} users)`, evaluated: ['GP-5.2'], violations: leaks.slice(0, 8) };
}

/** None of the owner's run reached the other user's tabs, not even a mention of it. */
export function judgeNoneOfTheirRun(viewer: ChatUser, owner: ChatUser, runId: string): Judgement {
  const leaks: Violation[] = [];
  for (const tab of viewer.tabs) {
    const seen = eventsOfRun(tab.received, runId);
    if (seen.length > 0) {
      leaks.push(violation('GP-5.2', `${tab.label} received ${seen.length} event(s) of ${owner.name}'s run ${runId.slice(0, 8)} (${seen.map((event) => event.type).join(', ')}): one user's conversation leaked to another — a privacy breach`));
      continue;
    }
    const mentions = tab.received.filter((frame) => frame.text.includes(runId) && frameType(frame) !== 'error');
    if (mentions.length > 0) leaks.push(violation('GP-5.23', `${tab.label} received ${mentions.length} frame(s) naming ${owner.name}'s run: details of another user's conversation leaked`));
  }
  return { headline: `${owner.name}'s run leaked to ${viewer.name}`, evaluated: ['GP-5.2', 'GP-5.23'], violations: leaks };
}
