import type { GoldenPathWorld } from '../world';
import type { ChatUser } from '../actors/chat-user';
import { spendAnalysisRequest } from '../actors/requests';
import { credential, type CredentialContext, type Expected } from '../auth/hostile-tokens';
import { BrowserChat, type BrowserChatOutcome } from '../client/browser-client';
import { ChatConnection, describeClose, HandshakeRefusedError, type CloseRecord } from '../client/chat-connection';
import { fetchHistory, historyMessages } from '../client/history-client';
import { checkServerFrame } from '../../protocol/schemas';
import { frameData, frameType, parseServerFrame, type ReceivedFrame } from '../domain/frames';
import { newClientMessageId } from '../domain/ids';
import { failIfAny } from '../expectations/violation-error';
import { reviewRun } from '../oracle/event-rules';
import { eventsOfRun } from '../oracle/run-events';
import { outcomeCounters } from '../report/success-metrics';
import { barrier } from './resilience';

/**
 * PROTOCOL §3: who may open the chat, with which token, presented how; what
 * a token without `write` may do; and what happens when a token expires
 * during a session. Also the one scenario a real browser plays.
 */

/** How one attempt to open the chat with a given credential ended. */
interface Attempt {
  readonly user: ChatUser;
  readonly credentialName: string;
  readonly expected: Expected;
  readonly risk: string;
  readonly offeredProtocols: readonly string[];
  readonly expiresAt: number | undefined;
  /** Set when the server upgraded (101). */
  readonly connection?: ChatConnection;
  /** Why connection_established never came, for an upgraded connection. */
  readonly notReady?: string;
  /** Set when the server answered the upgrade with something else. */
  readonly refusal?: HandshakeRefusedError;
}

interface AuthenticationState {
  attempt?: Attempt;
  expiryClose?: CloseRecord;
  browser?: { outcome: BrowserChatOutcome; clientMessageId: string; user: ChatUser };
}

const states = new WeakMap<GoldenPathWorld, AuthenticationState>();

function state(world: GoldenPathWorld): AuthenticationState {
  let found = states.get(world);
  if (found === undefined) {
    found = {};
    states.set(world, found);
  }
  return found;
}

function lastAttempt(world: GoldenPathWorld): Attempt {
  const attempt = state(world).attempt;
  if (attempt === undefined) throw new Error('no attempt to open the chat with a particular credential: a step must make one first');
  return attempt;
}

function credentialContext(world: GoldenPathWorld, user: ChatUser): CredentialContext {
  return { userId: user.id, minter: world.sut.identities.minter, shortLifetimeSeconds: world.profile.tokenExpiry.lifetimeSeconds };
}

/** Opens the chat presenting `credentialName`; records a refusal, or waits for readiness of an upgraded connection. */
export async function opensChatWith(world: GoldenPathWorld, name: string, credentialName: string): Promise<void> {
  const user = world.user(name);
  const { expected, risk, present } = credential(credentialName);
  const presentation = present(credentialContext(world, user));
  const base = { user, credentialName, expected, risk, offeredProtocols: presentation.credentials.protocols, expiresAt: presentation.expiresAt };
  let connection: ChatConnection;
  try {
    connection = await ChatConnection.connect({
      label: `${name}/tab-${user.connections.length + 1}`,
      url: world.endpoint.wsUrl,
      credentials: presentation.credentials,
      timeoutMs: world.profile.connectTimeoutMs,
    });
  } catch (error) {
    if (!(error instanceof HandshakeRefusedError)) throw error;
    state(world).attempt = { ...base, refusal: error };
    return;
  }
  user.connections.push(connection);
  let notReady: string | undefined;
  await connection.waitForType('connection_established', world.profile.connectTimeoutMs).catch((error: unknown) => {
    notReady = error instanceof Error ? error.message : String(error); // judged by the Then step: refused, or not ready
  });
  state(world).attempt = notReady === undefined ? { ...base, connection } : { ...base, connection, notReady };
}

const REFUSALS = { 'not signed in': 401, 'not allowed to read': 403 } as const;
export type RefusalKind = keyof typeof REFUSALS;
export const REFUSAL_KINDS = Object.keys(REFUSALS) as RefusalKind[];

/** PROTOCOL §3: refused BEFORE the upgrade, with the status and a JSON error body. */
export function refusedBeforeUpgrade(world: GoldenPathWorld, name: string, kind: RefusalKind): void {
  const attempt = lastAttempt(world);
  const status = REFUSALS[kind];
  const what = `${name}'s chat opened with ${attempt.credentialName}`;
  if (attempt.refusal === undefined) {
    const close = attempt.connection?.closeEvent;
    failIfAny(`${what} was let in`, [
      `the server upgraded the connection (101) instead of refusing it with HTTP ${status} before the upgrade` +
        `${close === undefined ? ', and it is open' : `, then closed it (${describeClose(close)})`}: ${attempt.risk}` +
        `${close === undefined ? '' : ' — and even a close after the upgrade leaves a window in which frames are accepted, and the client cannot tell a refusal from a broken chat'}`,
    ]);
    return;
  }
  const { refusal } = attempt;
  world.log(`${attempt.credentialName}: refused with HTTP ${refusal.status} (${refusal.contentType ?? 'no content type'}) ${refusal.body.slice(0, 200)}`);
  const violations: string[] = [];
  if (refusal.status !== status) {
    violations.push(`the handshake was refused with HTTP ${refusal.status} instead of ${status} (${kind}): the app cannot tell whether to send ${name} to sign in again${status === 403 ? ' or to explain that her access was withdrawn' : ''}`);
  }
  if (!/json/i.test(refusal.contentType ?? '')) {
    violations.push(`the refusal's content type is ${JSON.stringify(refusal.contentType)}, not JSON: clients that decide by content type cannot read the reason and show a generic failure`);
  }
  const body = parseJson(refusal.body) as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') {
    violations.push(`the refusal's body is not an error object with a code and a message (${refusal.body.slice(0, 160) || 'empty'}): the app has nothing to tell ${name} and support has nothing to search for`);
  }
  failIfAny(`${what} was refused the wrong way`, violations);
}

/** The connection was upgraded, became ready, and the server agreed to the subprotocol the client offered. */
export function chatOpensAsPresented(world: GoldenPathWorld, name: string): void {
  const attempt = lastAttempt(world);
  const what = `${name} could not open the chat with ${attempt.credentialName}`;
  if (attempt.refusal !== undefined) {
    failIfAny(what, [`the handshake was refused with HTTP ${attempt.refusal.status} (${attempt.refusal.body.slice(0, 160)}): ${attempt.risk}`]);
    return;
  }
  const connection = attempt.connection as ChatConnection;
  const violations: string[] = [];
  if (attempt.notReady !== undefined) violations.push(`the connection was upgraded but never said it was ready: ${attempt.notReady}`);
  const offeredJwtAuth = attempt.offeredProtocols.includes('jwt-auth');
  if (offeredJwtAuth && connection.protocol !== 'jwt-auth') {
    violations.push(`the app offered the subprotocol jwt-auth and the server selected ${JSON.stringify(connection.protocol)}: browsers close a WebSocket whose server does not select one of the offered subprotocols, so no web user can chat`);
  }
  if (!offeredJwtAuth && connection.protocol !== '') {
    violations.push(`the server selected the subprotocol ${JSON.stringify(connection.protocol)} that the app never offered: standard clients abort such a handshake`);
  }
  failIfAny(what, violations);
}

/** PROTOCOL §3: without `write`, a user_message gets FORBIDDEN and is not accepted. */
export async function toldMayNotWrite(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const { connection, clientMessageId } = message;
  const answer = await connection.waitFor(`waiting for the answer to a question sent without the write permission`, world.profile.replyWithinMs, (frames) =>
    frames.find((frame) => frame.receivedAt >= message.frame.sentAt && answersMessage(frame, clientMessageId)),
  );
  await barrier(world, connection);
  const accepted = connection.received.some((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === clientMessageId);
  const violations: string[] = [];
  if (accepted) {
    violations.push(`the question ${name} sent with a read-only token was accepted (message_accepted): users whose write access was withdrawn — a cancelled plan, a read-only auditor — can still run the agent and add to conversations, at the company's expense`);
  } else if (frameType(answer) !== 'error' || frameData(answer).code !== 'FORBIDDEN') {
    violations.push(`the question ${name} sent with a read-only token was answered ${describeAnswer(answer)} instead of an error FORBIDDEN: the app cannot tell her she lacks the permission, so she retries a question that can never succeed`);
  }
  failIfAny(`${name}'s question without the write permission was not refused`, violations);
}

/** The refused question left no trace: the thread holds exactly what it held before. */
export async function conversationUnchanged(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const refused = user.latestMessage;
  const earlier = user.messages.filter((message) => message.accepted !== undefined);
  const threadId = earlier.at(-1)?.accepted?.threadId;
  if (threadId === undefined) throw new Error(`${name} has no conversation yet: a step must have her ask something first`);
  const expected = earlier.filter((message) => message.accepted?.threadId === threadId).length + user.watchedRuns.filter((run) => run.accepted.threadId === threadId).length;
  const response = await fetchHistory(world.endpoint.httpUrl, threadId, user.token(), world.profile.replyWithinMs);
  const messages = historyMessages(response);
  if (response.status !== 200 || messages === undefined) {
    failIfAny(`${name}'s conversation could not be read`, [`the history answered HTTP ${response.status} ${response.text.slice(0, 160)}: she reloads and her conversation is gone`]);
    return;
  }
  const violations: string[] = [];
  if (messages.some((stored) => stored.client_message_id === refused.clientMessageId)) {
    violations.push(`the question refused for lack of the write permission is stored in ${name}'s history: a refused write was written anyway, so permissions protect nothing`);
  }
  if (messages.length !== expected) {
    violations.push(`${name}'s conversation holds ${messages.length} messages after the refused question, not the ${expected} it held before: something was written without the write permission`);
  }
  failIfAny(`${name}'s conversation changed although her question was refused`, violations);
}

/** Waits, with the protocol's deadline, for the server to end the session whose token expires. */
export async function signInExpires(world: GoldenPathWorld, name: string): Promise<void> {
  const attempt = lastAttempt(world);
  const { connection, expiresAt } = attempt;
  if (connection === undefined || expiresAt === undefined) throw new Error(`${name} has no open chat with an expiring token: a step must open one first`);
  const { maxLeewayMs, closeWithinMs } = world.profile.tokenExpiry;
  const deadline = expiresAt * 1000 + maxLeewayMs + closeWithinMs + world.profile.replyWithinMs;
  // Still open at the deadline is what the Then step reports, with its business impact.
  state(world).expiryClose = await connection
    .waitForClose(`waiting for the server to end ${name}'s session when her token expires`, Math.max(1, deadline - Date.now()))
    .catch(() => connection.closeEvent);
}

export function closedForExpiry(world: GoldenPathWorld, name: string): void {
  const attempt = lastAttempt(world);
  const expiresAtMs = (attempt.expiresAt ?? 0) * 1000;
  const { maxLeewayMs, closeWithinMs } = world.profile.tokenExpiry;
  const close = state(world).expiryClose;
  if (close === undefined) {
    failIfAny(`${name}'s chat outlived her sign-in`, [
      `${name}'s connection was still open ${((Date.now() - expiresAtMs) / 1000).toFixed(1)} s after her token expired (the protocol allows the leeway, at most ${maxLeewayMs / 1000} s, plus ${closeWithinMs / 1000} s): a signed-out, suspended or stolen session keeps receiving the conversation for as long as the tab stays open`,
    ]);
    return;
  }
  const closedAtMs = performance.timeOrigin + close.at;
  const afterExpiryMs = closedAtMs - expiresAtMs;
  const violations: string[] = [];
  if (close.code !== 1008) {
    violations.push(`the session ended with ${describeClose(close)} instead of 1008 (policy violation): the app cannot tell an expired sign-in from a failure, so it reconnects with the same dead token instead of refreshing it`);
  }
  if (afterExpiryMs > maxLeewayMs + closeWithinMs) {
    violations.push(`the session ended ${(afterExpiryMs / 1000).toFixed(2)} s after the token expired, later than the leeway (at most ${maxLeewayMs / 1000} s) plus ${closeWithinMs / 1000} s: an expired session keeps receiving the conversation`);
  }
  if (afterExpiryMs < -1_000) {
    violations.push(`the session ended ${(-afterExpiryMs / 1000).toFixed(2)} s BEFORE the token expired: ${name} is thrown out while her sign-in is still valid`);
  }
  world.log(`${name}'s session ended ${(afterExpiryMs / 1000).toFixed(2)} s after her token's exp, with ${describeClose(close)}`);
  failIfAny(`${name}'s session did not end properly when her sign-in expired`, violations);
}

// ---------------------------------------------------------------------------------------------
// A real browser
// ---------------------------------------------------------------------------------------------

/** Launches headless Chromium, loads the chat page, and lets it open the chat (subprotocol token) and ask. */
export async function asksFromBrowser(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const browser = await BrowserChat.launch(world.profile.browserLaunchTimeoutMs);
  world.cleanups.push(() => browser.close());
  const request = spendAnalysisRequest();
  const clientMessageId = newClientMessageId();
  const outcome = await browser.chat(
    {
      wsUrl: world.endpoint.wsUrl,
      token: user.token(),
      frameText: JSON.stringify({ type: 'user_message', data: { content: request.content, client_message_id: clientMessageId } }),
      clientMessageId,
      timeoutMs: world.profile.connectTimeoutMs + world.profile.runCompletesWithinMs,
    },
    world.profile.browserLaunchTimeoutMs,
  );
  world.log(`the browser's chat: subprotocol ${JSON.stringify(outcome.protocol)}, ${outcome.frames.length} frames, ended: ${outcome.ending}`);
  state(world).browser = { outcome, clientMessageId, user };
}

/** The browser's frames, judged by the same oracle as every other run. */
export function browserShowedWholeRun(world: GoldenPathWorld, name: string): void {
  const seen = state(world).browser;
  if (seen === undefined) throw new Error(`${name} has not used the chat from a browser: a step must do that first`);
  const { outcome, clientMessageId, user } = seen;
  const frames: ReceivedFrame[] = outcome.frames.map((frame, index) => ({ index, receivedAt: frame.at, text: frame.text, frame: parseServerFrame(frame.text) }));
  const headline = `${name}'s chat in a real browser did not work`;
  if (outcome.ending !== 'completed') {
    const hint = outcome.protocol !== 'jwt-auth' && frames.length === 0 ? ' — a server that does not select the offered subprotocol jwt-auth makes the browser abort the handshake' : '';
    if (frames.some((frame) => frameType(frame) === 'message_accepted')) outcomeCounters.runsBroken += 1;
    failIfAny(headline, [
      `the page never saw the run complete (${outcome.ending}; ${frames.length} frames, last: ${frames.slice(-3).map((frame) => frameType(frame) ?? frame.text.slice(0, 60)).join(', ') || 'none'}${outcome.errors.length > 0 ? `; ${outcome.errors.join('; ')}` : ''})${hint}: every web user is stuck without an answer`,
    ]);
    return;
  }
  const violations: string[] = [];
  if (outcome.protocol !== 'jwt-auth') violations.push(`the browser reports the subprotocol ${JSON.stringify(outcome.protocol)}, not jwt-auth: the handshake browsers depend on is not the one the protocol defines`);
  if (frames[0] === undefined || frameType(frames[0]) !== 'connection_established') {
    violations.push(`the browser's first frame was ${frames[0] === undefined ? 'nothing' : frameType(frames[0]) ?? frames[0].text.slice(0, 60)}, not connection_established: a web client that waits for readiness never starts`);
  }
  const accepted = frames.find((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === clientMessageId);
  const runId = String(accepted === undefined ? '' : frameData(accepted).run_id);
  const threadId = String(accepted === undefined ? '' : frameData(accepted).thread_id);
  violations.push(
    ...reviewRun({ who: `${name}'s browser`, runId, threadId, userId: user.id, events: eventsOfRun(frames, runId), asksForAnalysis: true }).map((violation) => `${violation.rule}: ${violation.message}`),
  );
  for (const frame of frames) {
    if (frame.frame === undefined) {
      violations.push(`the browser received a frame that is not a JSON object (${frame.text.slice(0, 120)}): the web app's parser fails and the screen stops updating`);
      continue;
    }
    for (const breach of checkServerFrame(frame.frame)) {
      violations.push(`the browser received ${String(frame.frame.type)} breaking the contract at ${breach.path} (${breach.problem}): web clients built from the published schema misread it`);
    }
  }
  if (violations.length === 0) outcomeCounters.runsComplete += 1;
  else outcomeCounters.runsBroken += 1;
  failIfAny(headline, violations);
}

function answersMessage(frame: ReceivedFrame, clientMessageId: string): boolean {
  const type = frameType(frame);
  const data = frameData(frame);
  if (type === 'message_accepted') return data.client_message_id === clientMessageId;
  return type === 'error' && (data.client_message_id === undefined || data.client_message_id === clientMessageId);
}

function describeAnswer(frame: ReceivedFrame): string {
  const type = frameType(frame);
  return type === 'error' ? `with an error ${JSON.stringify(frameData(frame).code) ?? 'undefined'}` : `with ${type ?? frame.text.slice(0, 80)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // reported by the caller as a body that is not JSON
  }
}
