import { CloseCode, Limits, RefusalStatus, Subprotocol, Timing } from '../../../protocol/constants';
import { checkHttpBody } from '../../../protocol/schemas';
import type { ChatUser, HandshakeAttempt } from '../../actors/chat-user';
import { describeClose, type CloseRecord } from '../../client/chat-connection';
import type { EnvironmentProfile } from '../../config/environment-profile';
import { parseJson } from '../../domain/json';
import { violation, type Judgement, type Violation } from '../../oracle/violation';

/** What the refusal's status means to the app (PROTOCOL §3). */
const MEANING: Record<number, string> = {
  [RefusalStatus.Unauthorized]: 'not signed in',
  [RefusalStatus.Forbidden]: 'not allowed to read',
  [RefusalStatus.TooManyConnections]: 'too many connections',
};

/**
 * PROTOCOL §3: refused BEFORE the upgrade (never a 101), with `status`,
 * Content-Type application/json and {"error":{"code","message"}}.
 */
export function judgeRefusal(attempt: HandshakeAttempt, status: number, rule: string, risk: string): Judgement {
  const evaluated = [rule, 'GP-3.15', 'GP-3.16'];
  const what = `${attempt.label} opened with ${attempt.presentedAs}`;
  if (attempt.refusal === undefined) {
    const close = attempt.tab?.closeEvent;
    const happened = attempt.failure !== undefined
      ? `the server did not answer the handshake at all (${attempt.failure})`
      : `the server upgraded the connection (101) instead of refusing it with HTTP ${status} before the upgrade${close === undefined ? ', and it is open' : `, then closed it (${describeClose(close)})`}`;
    return {
      headline: `${what} was let in`,
      evaluated,
      violations: [violation(attempt.failure === undefined ? rule : 'GP-3.16', `${happened}: ${risk}${close === undefined ? '' : ' — and even a close after the upgrade leaves a window in which frames are accepted, and the client cannot tell a refusal from a broken chat'}`), ...(attempt.failure === undefined ? [violation('GP-3.15', `a client refused for "${MEANING[status] ?? status}" got a 101: a refused client must never get a WebSocket`)] : [])],
    };
  }
  const { refusal } = attempt;
  const violations: Violation[] = [];
  if (refusal.status !== status) {
    violations.push(violation(rule, `the handshake was refused with HTTP ${refusal.status} instead of ${status} (${MEANING[status] ?? ''}): the app cannot tell whether to send the user to sign in again, explain a permission, or ask her to close a tab`));
  }
  if (!/^application\/json\b/i.test(refusal.contentType ?? '')) {
    violations.push(violation('GP-3.16', `the refusal's content type is ${JSON.stringify(refusal.contentType)}, not application/json: clients that decide by content type cannot read the reason and show a generic failure`));
  }
  const breaches = checkHttpBody('errorBody', parseJson(refusal.body));
  if (breaches.length > 0) {
    violations.push(violation('GP-3.16', `the refusal's body is not {"error":{"code","message"}} (${refusal.body.slice(0, 160) || 'empty'}: ${breaches.map((breach) => `${breach.path} ${breach.problem}`).join('; ')}): the app has nothing to tell the user and support has nothing to search for`));
  }
  return { headline: `${what} was refused the wrong way`, evaluated, violations };
}

/** The tab was upgraded, became ready in time, and the server agreed to the subprotocol the client offered (PROTOCOL §3). */
export function judgeOpened(attempt: HandshakeAttempt, rule: string, risk: string, profile: EnvironmentProfile): Judgement {
  const evaluated = [rule, 'GP-3.2', 'GP-3.18', 'TGT-connect'];
  const what = `the chat could not be opened with ${attempt.presentedAs}`;
  if (attempt.refusal !== undefined) return { headline: what, evaluated, violations: [violation(rule, `the handshake was refused with HTTP ${attempt.refusal.status} (${attempt.refusal.body.slice(0, 160)}): ${risk}`)] };
  if (attempt.tab === undefined) return { headline: what, evaluated, violations: [violation(rule, `the server did not answer the handshake (${attempt.failure ?? 'no answer'}): ${risk}`)] };
  const violations: Violation[] = [];
  if (attempt.readyAt === undefined) {
    violations.push(violation('GP-3.18', `the connection was upgraded but connection_established never came (waited ${(profile.patienceMs / 1000).toFixed(0)} s): the client cannot tell when it may send, and the user never gets a chat. ${attempt.tab.describeState()}`));
  } else if (attempt.readyAt - attempt.startedAt > profile.connectTimeoutMs) {
    violations.push(violation('TGT-connect', `the chat took ${((attempt.readyAt - attempt.startedAt) / 1000).toFixed(2)} s to become ready (target ${(profile.connectTimeoutMs / 1000).toFixed(1)} s): users stare at a spinner before they can type`));
  }
  const offeredJwtAuth = attempt.offeredProtocols.includes(Subprotocol.jwtAuth);
  // PROTOCOL §3: the server selects jwt-auth when the token came in the subprotocols; with a header token the choice is free.
  if (offeredJwtAuth && !attempt.sentAuthorizationHeader && attempt.tab.protocol !== Subprotocol.jwtAuth) {
    violations.push(violation('GP-3.2', `the app offered the subprotocol ${Subprotocol.jwtAuth} and the server selected ${JSON.stringify(attempt.tab.protocol)}: browsers close a WebSocket whose server does not select one of the offered subprotocols, so no web user can chat`));
  }
  if (attempt.tab.protocol !== '' && !attempt.offeredProtocols.includes(attempt.tab.protocol)) {
    violations.push(violation('GP-3.2', `the server selected the subprotocol ${JSON.stringify(attempt.tab.protocol)} that the app never offered: standard clients abort such a handshake`));
  }
  return { headline: what, evaluated, violations };
}

/** PROTOCOL §3: the session ended with 1008 within the protocol's time after exp plus the leeway. */
export function judgeExpiryClose(user: ChatUser, attempt: HandshakeAttempt, close: CloseRecord | undefined): Judgement {
  const evaluated = ['GP-3.21'];
  const expiresAtMs = (attempt.expiresAt ?? 0) * 1000;
  const allowedMs = Limits.maxClockLeewaySeconds * 1000 + Timing.expiryCloseWithinMs;
  if (close === undefined) {
    return {
      headline: `${user.name}'s chat outlived her sign-in`,
      evaluated,
      violations: [violation('GP-3.21', `${attempt.label} was still open ${((Date.now() - expiresAtMs) / 1000).toFixed(1)} s after her token expired (the protocol allows the leeway, at most ${Limits.maxClockLeewaySeconds} s, plus ${Timing.expiryCloseWithinMs / 1000} s): a signed-out, suspended or stolen session keeps receiving the conversation for as long as the tab stays open`)],
    };
  }
  const afterExpiryMs = performance.timeOrigin + close.at - expiresAtMs;
  const violations: Violation[] = [];
  if (close.code !== CloseCode.PolicyViolation) {
    violations.push(violation('GP-3.21', `the session ended with ${describeClose(close)} instead of 1008 (policy violation): the app cannot tell an expired sign-in from a failure, so it reconnects with the same dead token instead of refreshing it`));
  }
  if (afterExpiryMs > allowedMs) {
    violations.push(violation('GP-3.21', `the session ended ${(afterExpiryMs / 1000).toFixed(2)} s after the token expired, later than the leeway (at most ${Limits.maxClockLeewaySeconds} s) plus ${Timing.expiryCloseWithinMs / 1000} s: an expired session keeps receiving the conversation`));
  }
  if (afterExpiryMs < -1_000) {
    violations.push(violation('GP-3.21', `the session ended ${(-afterExpiryMs / 1000).toFixed(2)} s BEFORE the token expired: ${user.name} is thrown out while her sign-in is still valid`));
  }
  return { headline: `${user.name}'s session did not end properly when her sign-in expired (${(afterExpiryMs / 1000).toFixed(2)} s after exp, ${describeClose(close)})`, evaluated, violations };
}

/** Everyone in a crowd got a ready chat (TGT-storm: the seed plan's 99%+, 100% on an idle machine). */
export function judgeCrowdReady(crowd: readonly ChatUser[]): Judgement {
  const attempts = crowd.map((user) => user.latestAttempt);
  const failed = attempts.filter((attempt) => attempt.readyAt === undefined);
  const rate = ((attempts.length - failed.length) / Math.max(1, attempts.length)) * 100;
  const describe = (attempt: HandshakeAttempt): string => attempt.refusal !== undefined ? `HTTP ${attempt.refusal.status}` : attempt.failure ?? (attempt.tab?.closeEvent !== undefined ? `closed ${describeClose(attempt.tab.closeEvent)}` : 'no connection_established in time');
  return {
    headline: 'not every user got a working chat in the storm',
    evaluated: ['TGT-storm', 'GP-3.18'],
    violations: failed.length === 0 ? [] : [violation('TGT-storm', `${failed.length} of ${attempts.length} users never got connection_established (${rate.toFixed(1)}% established; target 99%+, and 100% on an idle machine): each of them saw "connection failed" and left. First failures: ${failed.slice(0, 3).map((attempt) => `${attempt.label}: ${describe(attempt)}`).join(' | ')}`)],
  };
}

