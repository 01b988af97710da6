import { Subprotocol } from '../../../protocol/constants';
import { frameData, frameType } from '../../domain/frames';
import { EVENT_RULE_IDS, reviewRun } from '../../oracle/event-rules';
import { eventsUnderReview } from '../../oracle/run-events';
import { violation, type Judgement, type Violation } from '../../oracle/violation';
import { outcomeCounters } from '../../report/success-metrics';
import type { BrowserVisit } from '../../scenario/browser';
import { serverFrameViolations } from './contract';

/** The browser's frames, judged by the same oracle and contract as every other run. */
export function judgeBrowserVisit(visit: BrowserVisit): Judgement {
  const { outcome, frames, user, clientMessageId } = visit;
  const who = `${user.name}'s browser`;
  const headline = `${user.name}'s chat in a real browser did not work`;
  const evaluated = ['GP-3.2', 'GP-3.18', ...EVENT_RULE_IDS, 'GP-4.1'];
  const accepted = frames.find((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === clientMessageId);
  if (outcome.ending !== 'completed') {
    const hint = outcome.protocol !== Subprotocol.jwtAuth && frames.length === 0 ? ' — a server that does not select the offered subprotocol jwt-auth makes the browser abort the handshake' : '';
    if (accepted !== undefined) outcomeCounters.runsBroken += 1;
    const last = frames.slice(-3).map((frame) => frameType(frame) ?? frame.text.slice(0, 60)).join(', ') || 'none';
    return { headline, evaluated, violations: [violation('GP-3.2', `the page never saw the run complete (${outcome.ending}; ${frames.length} frames, last: ${last}${outcome.errors.length > 0 ? `; ${outcome.errors.join('; ')}` : ''})${hint}: every web user is stuck without an answer`)] };
  }
  const violations: Violation[] = [];
  if (outcome.protocol !== Subprotocol.jwtAuth) violations.push(violation('GP-3.2', `the browser reports the subprotocol ${JSON.stringify(outcome.protocol)}, not jwt-auth: the handshake browsers depend on is not the one the protocol defines`));
  const first = frames[0];
  if (first === undefined || frameType(first) !== 'connection_established') {
    violations.push(violation('GP-3.18', `the browser's first frame was ${first === undefined ? 'nothing' : frameType(first) ?? first.text.slice(0, 60)}, not connection_established: a web client that waits for readiness never starts`));
  }
  const runId = String(accepted === undefined ? '' : frameData(accepted).run_id);
  const threadId = String(accepted === undefined ? '' : frameData(accepted).thread_id);
  violations.push(...reviewRun({ who, runId, threadId, userId: user.id, events: eventsUnderReview(frames, runId, new Set([runId])), asksForAnalysis: true }));
  violations.push(...serverFrameViolations(who, frames));
  if (violations.length === 0) outcomeCounters.runsComplete += 1;
  else outcomeCounters.runsBroken += 1;
  return { headline, evaluated, violations };
}
