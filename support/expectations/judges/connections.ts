import { CloseCode } from '../../../protocol/constants';
import { describeClose, type ChatConnection, type CloseRecord } from '../../client/chat-connection';
import { frameType } from '../../domain/frames';
import { violation, type Judgement, type Violation } from '../../oracle/violation';
import type { SuccessMetrics } from '../../report/success-metrics';

/** What each close code of PROTOCOL §9 tells the client. */
const MEANING: Record<number, string> = {
  [CloseCode.Normal]: 'normal closure',
  [CloseCode.GoingAway]: 'the service is going away',
  [CloseCode.UnsupportedData]: 'binary data is not supported',
  [CloseCode.PolicyViolation]: 'the sign-in expired',
  [CloseCode.MessageTooBig]: 'the message was too big',
};

/** The server closed `tab` with `code` (undefined `close`: it was still open at the deadline). */
export function judgeClosedWith(tab: ChatConnection, close: CloseRecord | undefined, code: number, rule: string, after: string, ifOpen: string, timing?: { since: number; targetMs: number }): Judgement {
  const headline = `${tab.label} was not closed with ${code} (${MEANING[code] ?? ''}) after ${after}`;
  if (close === undefined) {
    const answers = tab.received.slice(-5).map((frame) => frameType(frame) ?? frame.text.slice(0, 40));
    return { headline, evaluated: [rule], violations: [violation(rule, `the server kept the connection open after ${after} (last frames: ${answers.join(', ') || 'none'}): ${ifOpen}`)] };
  }
  const lateMs = timing === undefined ? 0 : close.at - timing.since;
  if (close.code === code && timing !== undefined && lateMs > timing.targetMs) {
    return { headline, evaluated: [rule, 'TGT-reply'], violations: [violation('TGT-reply', `the server closed with ${code} only ${(lateMs / 1000).toFixed(1)} s after ${after} (target ${(timing.targetMs / 1000).toFixed(1)} s): the client waits on a connection that is already lost`)] };
  }
  if (close.code === code) return { headline, evaluated: [rule], violations: [] };
  const wrongCode = violation(rule, `the server closed with ${describeClose(close)} instead of ${code} (${MEANING[code] ?? ''}): the client cannot tell its own mistake from a server failure, so it reconnects and does the same thing again`);
  const internalError = violation('GP-9.1', `and 1011 is the very error this product exists to eliminate: the user sees "connection failed" mid-chat`);
  return { headline, evaluated: [rule, 'GP-9.1'], violations: close.code === CloseCode.InternalError ? [wrongCode, internalError] : [wrongCode] };
}

/** The seed plan's first critical issue, over everything a scenario connected: no 1011, no drop without a close frame (PROTOCOL §9). */
export function judgeNoBrokenConnections(added: SuccessMetrics): Judgement {
  const violations: Violation[] = [];
  if (added.closed1011 > 0) {
    violations.push(violation('GP-9.1', `${added.closed1011} connection(s) were closed with 1011 (internal error): each of those users saw "connection failed" mid-chat — the Cloud Run failure this product was built to eliminate (target: 0%)`));
  }
  if (added.closedAbnormally > 0) {
    violations.push(violation('GP-9.2', `${added.closedAbnormally} connection(s) were dropped without a close frame (1006): the client cannot tell a crash from a network blip, and the user's chat just stops`));
  }
  return { headline: 'connections were broken by the server', evaluated: added.connectionsEstablished > 0 ? ['GP-9.1', 'GP-9.2'] : [], violations };
}

/** Every tab of a crowd: no 1011, no drop. */
export function judgeCrowdUnbroken(tabs: readonly ChatConnection[]): Judgement {
  const broken = tabs.flatMap((tab) => {
    const close = tab.closeEvent;
    return close !== undefined && (close.code === CloseCode.InternalError || close.code === CloseCode.Abnormal) ? [{ tab, close }] : [];
  });
  return {
    headline: 'connections broke under load',
    evaluated: ['GP-9.1', 'GP-9.2'],
    violations: broken.length === 0 ? [] : [violation(broken.some(({ close }) => close.code === CloseCode.InternalError) ? 'GP-9.1' : 'GP-9.2', `${broken.length} connection(s) were closed with 1011 or dropped (${broken.slice(0, 5).map(({ tab, close }) => `${tab.label}: ${close.code}`).join(', ')}): under load, users are thrown out mid-chat — the seed plan's target is 0%`)],
  };
}

/** Every tab was closed with 1001 when the service went away (PROTOCOL §1). */
export function judgeToldGoingAway(tabs: ReadonlyArray<{ tab: ChatConnection; close: CloseRecord | undefined }>): Judgement {
  const wrong = tabs.filter(({ close }) => close?.code !== CloseCode.GoingAway);
  return {
    headline: 'the shutdown was not announced to connected users',
    evaluated: ['GP-1.10'],
    violations: wrong.slice(0, 10).map(({ tab, close }) => violation('GP-1.10', `${tab.label} ${close === undefined ? 'was not closed at all' : `was closed with ${describeClose(close)}`} instead of 1001 (going away): the client cannot tell a deploy from a failure, so it shows an error instead of quietly reconnecting`)),
  };
}

/** PROTOCOL §1: during a drain no handshake gets a 101. */
export function judgeNotLetIn(attempt: import('../../actors/chat-user').HandshakeAttempt): Judgement {
  return {
    headline: `${attempt.label} was let in during a shutdown`,
    evaluated: ['GP-1.6'],
    violations: attempt.tab === undefined ? [] : [violation('GP-1.6', `a handshake made while the service was shutting down got a 101${attempt.readyAt === undefined ? '' : ' and a ready chat'}: users are let onto an instance that is about to close their chat, and their first question is lost`)],
  };
}

/** PROTOCOL §3: of handshakes arriving at once, exactly the per-user limit get in; the rest get 429 before the upgrade. */
export function judgeConnectionLimit(attempts: ReadonlyArray<import('../../actors/chat-user').HandshakeAttempt>, limit: number): Judgement {
  const ready = attempts.filter((attempt) => attempt.readyAt !== undefined && attempt.tab?.closeEvent === undefined);
  const upgradedThenClosed = attempts.filter((attempt) => attempt.tab !== undefined && attempt.tab.closeEvent !== undefined);
  const tooMany = attempts.filter((attempt) => attempt.refusal?.status === 429);
  const other = attempts.filter((attempt) => attempt.tab === undefined && attempt.refusal?.status !== 429);
  const violations: Violation[] = [];
  if (ready.length > limit) violations.push(violation('GP-3.17', `${ready.length} of ${attempts.length} tabs opened at the same moment got in, more than the ${limit} one user may have: the limit only holds for polite clients, so one user can hog an instance`));
  if (ready.length < limit) violations.push(violation('GP-3.17', `only ${ready.length} of ${attempts.length} tabs opened at the same moment got in, fewer than the ${limit} one user may have: a user who opens her tabs together is refused for no reason`));
  if (upgradedThenClosed.length > 0) violations.push(violation('GP-3.15', `${upgradedThenClosed.length} tab(s) were upgraded and then closed instead of refused before the upgrade: the client cannot tell "too many tabs" from a broken chat`));
  if (tooMany.length + ready.length < attempts.length) violations.push(violation('GP-3.17', `${other.length} tab(s) were neither let in nor refused with 429 (${other.map((attempt) => attempt.refusal?.status ?? attempt.failure ?? 'no answer').slice(0, 3).join(', ')}): the app cannot tell the user to close a tab`));
  return { headline: `${attempts.length} tabs opened at once: ${ready.length} ready, ${tooMany.length} refused with 429`, evaluated: ['GP-3.17', 'GP-3.15'], violations };
}
