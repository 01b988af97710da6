import { checkClientFrame, checkServerFrame } from '../../../protocol/schemas';
import type { ChatConnection } from '../../client/chat-connection';
import type { ReceivedFrame } from '../../domain/frames';
import { excerpt } from '../../domain/json';
import { runEventsIn } from '../../oracle/run-events';
import { violation, type Judgement, type Violation } from '../../oracle/violation';

/** PROTOCOL §4 for every frame a scenario received: a JSON object that honours the published schemas (protocol/schemas/). */
export function serverFrameViolations(label: string, frames: readonly ReceivedFrame[]): Violation[] {
  const violations: Violation[] = [];
  for (const frame of frames) {
    if (frame.frame === undefined) {
      violations.push(violation('GP-4.1', `${label} received a frame that is not a JSON object: ${excerpt(frame.text, 300)} — every client's parser fails on it, and the user's screen stops updating`));
      continue;
    }
    for (const breach of checkServerFrame(frame.frame)) {
      const rule = breach.path === '/seq' || breach.path === '/' ? 'GP-4.2' : 'GP-4.1';
      violations.push(violation(rule, `${label} received ${String(frame.frame.type)} breaking the contract at ${breach.path} (${breach.problem}): ${excerpt(frame.text, 300)} — clients built from the published schema would reject or misread it`));
    }
  }
  return violations;
}

/**
 * Every frame a scenario received honours the published schemas; so does
 * every frame the suite's own client built (raw, deliberately malformed sends
 * are exempt) — the suite must speak the protocol it checks.
 */
export function judgeFramesHonourContract(tabs: readonly ChatConnection[]): Judgement {
  const violations: Violation[] = [];
  for (const tab of tabs) {
    violations.push(...serverFrameViolations(tab.label, tab.received));
    for (const sent of tab.sent.filter((candidate) => !candidate.raw)) {
      const breaches = checkClientFrame(JSON.parse(sent.text));
      if (breaches.length > 0) throw new Error(`the suite's own ${sent.type} breaks the client contract at ${breaches.map((breach) => `${breach.path} (${breach.problem})`).join(', ')}: ${excerpt(sent.text, 300)} — fix the suite, it must speak the protocol it checks`);
    }
  }
  const received = tabs.some((tab) => tab.received.length > 0);
  return { headline: 'frames broke the published contract (protocol/schemas/*.schema.json)', evaluated: received ? ['GP-4.1', 'GP-4.2'] : [], violations };
}

/**
 * GP-5.7 over everything each tab received by the end of the scenario: no
 * event of a run numbered after that run's agent_completed. The watching step
 * judges a run the moment it ends; an event the backend sends a moment later
 * is caught here, once the rest of the scenario has given it time to arrive.
 * By seq, not arrival: a replay after a resume repeats events numbered at or
 * below the completion, which is allowed.
 */
export function judgeNothingAfterCompletion(tabs: readonly ChatConnection[]): Judgement {
  const violations: Violation[] = [];
  let completedRuns = 0;
  for (const tab of tabs) {
    const events = runEventsIn(tab.received);
    const completionSeq = new Map<unknown, number>();
    for (const event of events) {
      if (event.type === 'agent_completed' && typeof event.seq === 'number' && !completionSeq.has(event.runId)) completionSeq.set(event.runId, event.seq);
    }
    completedRuns += completionSeq.size;
    for (const event of events) {
      const endSeq = completionSeq.get(event.runId);
      if (endSeq === undefined || typeof event.seq !== 'number' || event.seq <= endSeq) continue;
      violations.push(violation('GP-5.7', `${tab.label} received ${event.type} seq ${event.seq} of run ${String(event.runId).slice(0, 8)} after its agent_completed (seq ${endSeq}): the answer was already shown as final, and a late event reopens or corrupts it`));
    }
  }
  return { headline: 'events of a run came after its end', evaluated: completedRuns > 0 ? ['GP-5.7'] : [], violations };
}
