import type { ChatConnection } from '../client/chat-connection';
import { checkClientFrame, checkServerFrame } from '../../protocol/schemas';
import { failIfAny } from './violation-error';

const excerpt = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

/**
 * Every frame a scenario received honours the published JSON Schemas, and so
 * does every frame the suite's own client built (raw, deliberately malformed
 * sends are exempt).
 */
export function expectFramesHonourContract(connections: readonly ChatConnection[]): void {
  const violations: string[] = [];
  for (const connection of connections) {
    for (const frame of connection.received) {
      if (frame.frame === undefined) {
        violations.push(`${connection.label} received a frame that is not a JSON object: ${excerpt(frame.text)} — every client's parser fails on it, and the user's screen stops updating`);
        continue;
      }
      for (const breach of checkServerFrame(frame.frame)) {
        violations.push(`${connection.label} received ${String(frame.frame.type)} breaking the contract at ${breach.path} (${breach.problem}): ${excerpt(frame.text)} — clients built from the published schema would reject or misread it`);
      }
    }
    for (const sent of connection.sent.filter((candidate) => !candidate.raw)) {
      for (const breach of checkClientFrame(JSON.parse(sent.text))) {
        violations.push(`the suite's own ${sent.type} breaks the client contract at ${breach.path} (${breach.problem}): ${excerpt(sent.text)} — fix the suite, it must speak the protocol it checks`);
      }
    }
  }
  failIfAny('frames broke the published contract (protocol/schemas/*.schema.json)', violations);
}
