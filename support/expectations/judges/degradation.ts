import type { ChatUser } from '../../actors/chat-user';
import { frameData, frameType } from '../../domain/frames';
import { violation, type Judgement, type Violation } from '../../oracle/violation';
import { outcomeCounters } from '../../report/success-metrics';

/**
 * Every message sent while a dependency was broken got a complete run or an
 * explicit error, never silence — the seed plan's 100% graceful degradation
 * communication (PROTOCOL §5 "failure is never silent", §6). Counted into the
 * success metrics after every scenario.
 */
export function judgeNoSilenceDuringFaults(users: readonly ChatUser[]): Judgement {
  const silent: Violation[] = [];
  let counted = 0;
  for (const user of users) {
    const frames = user.tabs.flatMap((tab) => tab.received);
    for (const message of user.messages.filter((candidate) => candidate.duringFault === true)) {
      counted += 1;
      const answers = frames.filter((frame) => frameData(frame).client_message_id === message.clientMessageId);
      const runIds = new Set(answers.filter((frame) => frameType(frame) === 'message_accepted').map((frame) => String(frameData(frame).run_id)));
      const completions = frames.filter((frame) => frameType(frame) === 'agent_completed' && runIds.has(String(frame.frame?.run_id)));
      if (completions.some((frame) => frameData(frame).status === 'success')) outcomeCounters.faultMessagesCompleted += 1;
      else if (completions.length > 0 || answers.some((frame) => frameType(frame) === 'error')) outcomeCounters.faultMessagesExplicitError += 1;
      else {
        outcomeCounters.faultMessagesSilent += 1;
        silent.push(violation('GP-5.16', `${user.name}'s message ${message.clientMessageId.slice(0, 8)}, sent while a dependency was broken, got neither a complete run nor an explicit error: silence — the failure this product must never show`));
      }
    }
  }
  return { headline: 'a user was left in silence during a fault', evaluated: counted > 0 ? ['GP-5.16'] : [], violations: silent };
}
