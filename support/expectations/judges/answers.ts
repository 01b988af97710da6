import type { ErrorCode } from '../../../protocol/constants';
import type { ChatConnection } from '../../client/chat-connection';
import { describeClose } from '../../client/chat-connection';
import { frameData, frameType, type ReceivedFrame } from '../../domain/frames';
import { describeValue, excerpt, sameJsonValue } from '../../domain/json';
import { violation, type Judgement, type Violation } from '../../oracle/violation';

/**
 * Judging the answer to one frame the user's app sent: an `error` frame with
 * the right code, naming what it answers (PROTOCOL §4), and a connection that
 * stays open (an error never closes it).
 */
export interface ExpectedError {
  /** Who sent what, for the messages: "Alice's question without the write permission". */
  readonly what: string;
  readonly code: ErrorCode;
  /** The rule the code checks. */
  readonly rule: string;
  /** What it costs the user when the server says nothing at all. */
  readonly ifSilent: string;
  /** What it costs when the server answers with another code. */
  readonly ifOtherCode: (code: string) => string;
  /** What it costs when the server acts on the frame instead (message_accepted, pong…). */
  readonly ifServed: string;
  /** The error must carry this client_message_id (it answers a user_message whose id could be read). */
  readonly clientMessageId?: string;
  /** The error must carry this run_id (it concerns a run). */
  readonly runId?: string;
  /** The error must be marked retryable (or not). */
  readonly retryable?: boolean;
}

export interface ErrorAnswer {
  readonly tab: ChatConnection;
  /** The first answer: an error, a message_accepted or a pong; undefined when nothing came in time. */
  readonly frame: ReceivedFrame | undefined;
  readonly waitedMs: number;
  /** The profile's target for a reply (a later answer misses TGT-reply, not the rule). */
  readonly replyWithinMs: number;
}

export function judgeErrorAnswer(answer: ErrorAnswer, expected: ExpectedError): Judgement {
  const violations: Violation[] = [];
  const evaluated = [expected.rule, 'GP-4.14', 'TGT-reply', ...(expected.clientMessageId !== undefined ? ['GP-4.10'] : []), ...(expected.runId !== undefined ? ['GP-4.16'] : [])];
  const { frame, tab } = answer;
  const close = tab.closeEvent;
  if (frame === undefined) {
    violations.push(violation(expected.rule, close === undefined
      ? `nothing answered ${expected.what} within ${(answer.waitedMs / 1000).toFixed(1)} s: ${expected.ifSilent}`
      : `the server closed the connection (${describeClose(close)}) instead of answering ${expected.what} with ${expected.code}: an error must never close the connection — one bad frame throws the user out of her chat`));
    return { headline: `${expected.what} was not answered with ${expected.code}`, evaluated, violations };
  }
  if (frameType(frame) !== 'error') {
    violations.push(violation(expected.rule, `${expected.what} was answered with ${frameType(frame) ?? excerpt(frame.text)} instead of an error ${expected.code}: ${expected.ifServed}`));
  } else {
    const data = frameData(frame);
    if (data.code !== expected.code) violations.push(violation(expected.rule, `${expected.what} was answered with the error ${describeValue(data.code)} instead of ${expected.code}: ${expected.ifOtherCode(describeValue(data.code))}`));
    if (expected.retryable !== undefined && data.retryable !== expected.retryable) {
      violations.push(violation(expected.rule, `the ${describeValue(data.code)} error is ${data.retryable === true ? '' : 'not '}marked retryable: ${expected.retryable ? 'the client gives up instead of sending the message again once the service recovers' : 'the client retries something that can never succeed'}`));
    }
    if (expected.clientMessageId !== undefined && data.client_message_id !== expected.clientMessageId) {
      violations.push(violation('GP-4.10', `the error answering ${expected.what} carries client_message_id ${JSON.stringify(data.client_message_id)} instead of ${expected.clientMessageId}: the app cannot tell which of its messages failed, so it retries the wrong one or none`));
    }
    if (expected.runId !== undefined && data.run_id !== expected.runId) {
      violations.push(violation('GP-4.16', `the error answering ${expected.what} carries run_id ${JSON.stringify(data.run_id)} instead of ${expected.runId}: the app cannot tell which of its runs was refused, so it gives up on the wrong one or resumes it forever`));
    }
  }
  if (answer.waitedMs > answer.replyWithinMs) {
    violations.push(violation('TGT-reply', `${expected.what} was answered only after ${(answer.waitedMs / 1000).toFixed(1)} s (target ${(answer.replyWithinMs / 1000).toFixed(1)} s): the chat feels unresponsive even when it is right`));
  }
  if (close !== undefined) {
    violations.push(violation('GP-4.14', `after answering ${expected.what} the server closed the connection (${describeClose(close)}): an error frame must never close the connection, or a single bad frame ends the user's session`));
  }
  return { headline: `${expected.what} was not answered with ${expected.code}`, evaluated, violations };
}

/** The first error, message_accepted or pong on `tab` from position `from`. */
export function firstAnswer(frames: readonly ReceivedFrame[], from: number): ReceivedFrame | undefined {
  return frames.slice(from).find((frame) => ['error', 'message_accepted', 'pong'].includes(frameType(frame) ?? ''));
}

/** PROTOCOL §4: a ping is answered with pong carrying the same nonce (the same JSON value; absent stays absent). */
export function judgePong(what: string, sent: unknown, pong: ReceivedFrame | undefined, waitedMs: number, replyWithinMs: number): Judgement {
  const violations: Violation[] = [];
  if (pong === undefined) {
    violations.push(violation('GP-4.7', `no pong answered ${what} within ${(waitedMs / 1000).toFixed(1)} s: the app cannot tell a live chat from a dead one`));
  } else {
    const nonce = frameData(pong).nonce;
    const same = sent === undefined ? nonce === undefined || nonce === null : sameJsonValue(nonce, sent);
    if (!same) violations.push(violation('GP-4.7', `${what} was answered with a pong carrying ${JSON.stringify(nonce)} instead of ${JSON.stringify(sent)}: the app cannot match replies to its own requests`));
    if (pong.receivedAt - (pong.receivedAt - waitedMs) > replyWithinMs) violations.push(violation('TGT-reply', `the pong came only after ${(waitedMs / 1000).toFixed(1)} s (target ${(replyWithinMs / 1000).toFixed(1)} s)`));
  }
  return { headline: `${what} was not answered with its nonce`, evaluated: ['GP-4.7', 'TGT-reply'], violations };
}
