import { checkClientFrame, checkServerFrame } from '../../../protocol/schemas';
import type { ChatConnection } from '../../client/chat-connection';
import type { ReceivedFrame } from '../../domain/frames';
import { excerpt } from '../../domain/json';
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
