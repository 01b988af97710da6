import { Permission } from '../../protocol/constants';
import type { Permission as PermissionName } from '../auth/token-minter';
import { presentToken, type TokenForm } from '../auth/credentials';
import type { Presentation } from '../auth/hostile-tokens';
import { ChatConnection, HandshakeRefusedError, type ConnectOptions } from '../client/chat-connection';
import { fetchHistory, type HistoryResponse } from '../client/history-client';
import type { EnvironmentProfile } from '../config/environment-profile';
import { answersMessage, frameData, frameType, type ReceivedFrame, type SentFrame } from '../domain/frames';
import { asMessageId, asRunId, asThreadId, newClientMessageId, type ClientMessageId, type MessageId, type RunId, type ThreadId, type UserId } from '../domain/ids';
import { eventsUnderReview, type ObservedEvent } from '../oracle/run-events';
import type { TimingLimits } from '../oracle/timing-rules';
import type { SeededRandom } from '../random/seeded-random';
import type { Endpoint, IdentityProvider } from '../target/system-under-test';
import type { ChatRequest } from './requests';

/** What the server acknowledged for one user_message (PROTOCOL §4 message_accepted). */
export interface Acceptance {
  readonly clientMessageId: ClientMessageId;
  /** As sent: judges check that they are UUIDs. */
  readonly messageId: MessageId;
  readonly threadId: ThreadId;
  readonly runId: RunId;
  readonly frame: ReceivedFrame;
}

/** One user_message the user sent, and what became of it. */
export interface SentMessage {
  readonly request: ChatRequest;
  readonly clientMessageId: ClientMessageId;
  readonly tab: ChatConnection;
  readonly frame: SentFrame;
  /** The thread it was sent into (absent: a new thread). */
  readonly threadId: ThreadId | undefined;
  /** Set once message_accepted arrived. */
  accepted?: Acceptance;
  /** Sent while a dependency of the backend was broken (counted for the degradation metric). */
  duringFault?: boolean;
}

/** A run as one tab saw it, until agent_completed or the deadline. */
export interface WatchedRun {
  readonly who: string;
  readonly userId: UserId;
  readonly message: SentMessage;
  readonly accepted: Acceptance;
  readonly tab: ChatConnection;
  /** The run's events under review (see eventsUnderReview), in arrival order. */
  readonly events: readonly ObservedEvent[];
  /** agent_completed arrived before the deadline. */
  readonly ended: boolean;
  /** How long the tab waited for the end. */
  readonly waitedMs: number;
  readonly limits: TimingLimits;
  /** The runs the user knows of when the run is judged (events of any other run went astray). */
  readonly knownRunIds: () => ReadonlySet<string>;
  /** The success metrics count each run once, however often it is judged. */
  counted?: boolean;
}

/** One attempt to open a tab, and how it ended. */
export interface HandshakeAttempt {
  readonly label: string;
  /** How the token was presented: a credential's name, or the user's own token. */
  readonly presentedAs: string;
  readonly offeredProtocols: readonly string[];
  /** An Authorization header went with the handshake. */
  readonly sentAuthorizationHeader: boolean;
  /** `exp` of the presented token, seconds since the epoch. */
  readonly expiresAt: number | undefined;
  readonly startedAt: number;
  /** Set when the server upgraded (101). */
  readonly tab?: ChatConnection;
  /** Set when the server answered the upgrade with something else. */
  readonly refusal?: HandshakeRefusedError;
  /** Set when no HTTP answer came at all. */
  readonly failure?: string;
  /** When connection_established arrived, if it did within the connect deadline. */
  readonly readyAt?: number;
}

/** Something the user's app sent on purpose as-is: a malformed frame, an oversize message, binary data, a flood. */
export interface Probe {
  readonly tab: ChatConnection;
  readonly what: string;
  readonly text: string;
  /** Index in `tab.received` where the answers begin. */
  readonly from: number;
  readonly sentAt: number;
}

/** A resume the user sent. */
export interface ResumeRequest {
  readonly tab: ChatConnection;
  readonly runId: string;
  readonly afterSeq: number;
  /** Index in `tab.received` of the first frame after the resume was sent. */
  readonly from: number;
  readonly sentAt: number;
}

/** What the history API answered the user. */
export interface HistoryRead {
  readonly threadId: string;
  /** Whose conversation it is, when it is not the reader's own. */
  readonly owner: string | undefined;
  readonly response: HistoryResponse;
  readonly readAt: number;
}

export interface TabOptions extends Pick<ConnectOptions, 'sendOnOpen' | 'sendWithHandshake' | 'refusalExpected'> {
  readonly form?: TokenForm;
  /** Another backend instance than the scenario's current one. */
  readonly endpoint?: Endpoint;
  /** Names the instance in transcripts: "Alice/tab-2@second". */
  readonly instanceLabel?: string;
}

/**
 * A person using the chat: who they are, their tabs, and everything they saw,
 * tried and were told — what they asked, the runs they watched, their
 * handshakes, resumes, history reads and raw frames. It acts and remembers;
 * judging what happened is left to the expectations.
 */
export class ChatUser {
  readonly tabs: ChatConnection[] = [];
  readonly attempts: HandshakeAttempt[] = [];
  readonly messages: SentMessage[] = [];
  readonly watchedRuns: WatchedRun[] = [];
  readonly probes: Probe[] = [];
  readonly resumes: ResumeRequest[] = [];
  readonly historyReads: HistoryRead[] = [];
  private tabCount = 0;

  constructor(
    readonly name: string,
    readonly id: UserId,
    readonly permissions: readonly PermissionName[],
    private readonly identities: IdentityProvider,
    readonly profile: EnvironmentProfile,
    /** Where this user's tabs connect: the scenario's backend, which a step may switch. */
    private readonly endpoint: () => Endpoint,
    /** Generates what the user asks; seeded per scenario. */
    readonly random: SeededRandom,
    /** One of a crowd: owned and judged like anyone, summarised rather than transcribed. */
    readonly inCrowd = false,
    /** The agent paces its steps (AGENT_STEP_DELAY_MS > 0): the 10 s completion bound does not apply. */
    private readonly agentIsPaced: () => boolean = () => false,
  ) {}

  /** A token of the suite's token source for this user. */
  token(options: { permissions?: readonly PermissionName[]; expiresInSeconds?: number } = {}): Promise<string> {
    return this.identities.tokenFor(this.id, { permissions: options.permissions ?? this.permissions, expiresInSeconds: options.expiresInSeconds ?? 3_600 });
  }

  get canWrite(): boolean {
    return this.permissions.includes(Permission.Write);
  }

  // --- tabs ------------------------------------------------------------------------------------

  /** Opens a tab with the user's own token and waits until it is ready; a tab that cannot be opened is an error that says why. */
  async openTab(options: TabOptions = {}): Promise<ChatConnection> {
    const attempt = await this.attemptTab({ credentials: presentToken(await this.token(), options.form ?? 'header') }, 'her token', options);
    if (attempt.tab !== undefined && attempt.readyAt !== undefined) return attempt.tab;
    const why = attempt.refusal !== undefined
      ? `the handshake was refused with HTTP ${attempt.refusal.status}: ${attempt.refusal.body.slice(0, 200)}`
      : attempt.failure ?? `the connection was upgraded but connection_established did not come within ${this.profile.connectTimeoutMs} ms (${attempt.tab?.describeState() ?? ''})`;
    throw new Error(`${this.name} could not open the chat with her own valid token (GP-3.1, TGT-connect): ${why}`);
  }

  /** Opens `count` tabs at once, each ready. */
  async openTabs(count: number, options: TabOptions = {}): Promise<ChatConnection[]> {
    return Promise.all(Array.from({ length: count }, () => this.openTab(options)));
  }

  /** Tries to open a tab presenting `presentation`; records how it went, whatever happened, and never throws for a refusal. */
  async attemptTab(presentation: Presentation, presentedAs: string, options: TabOptions = {}): Promise<HandshakeAttempt> {
    this.tabCount += 1;
    const label = `${this.name}/tab-${this.tabCount}${options.instanceLabel === undefined ? '' : `@${options.instanceLabel}`}`;
    const base = {
      label,
      presentedAs,
      offeredProtocols: presentation.credentials.protocols,
      sentAuthorizationHeader: presentation.credentials.headers.Authorization !== undefined,
      expiresAt: presentation.expiresAt,
      startedAt: performance.now(),
    };
    let attempt: HandshakeAttempt;
    try {
      const tab = await ChatConnection.connect({
        label,
        url: (options.endpoint ?? this.endpoint()).wsUrl,
        ca: (options.endpoint ?? this.endpoint()).ca,
        credentials: presentation.credentials,
        timeoutMs: this.profile.patienceMs,
        ...(options.sendOnOpen === undefined ? {} : { sendOnOpen: options.sendOnOpen }),
        ...(options.sendWithHandshake === undefined ? {} : { sendWithHandshake: options.sendWithHandshake }),
        ...(options.refusalExpected === undefined ? {} : { refusalExpected: options.refusalExpected }),
      });
      this.tabs.push(tab);
      // Waited on beyond the connect target, so that a slow backend is judged slow (TGT-connect), not broken.
      const remaining = this.profile.patienceMs - (performance.now() - base.startedAt);
      const ready = await tab.untilType('connection_established', remaining);
      attempt = ready === undefined ? { ...base, tab } : { ...base, tab, readyAt: ready.receivedAt };
    } catch (error) {
      if (error instanceof HandshakeRefusedError) attempt = { ...base, refusal: error };
      else if (error instanceof Error && error.message.includes('could not open a WebSocket')) attempt = { ...base, failure: error.message };
      else throw error;
    }
    this.attempts.push(attempt);
    return attempt;
  }

  /** The most recently opened tab. */
  get chat(): ChatConnection {
    const tab = this.tabs.at(-1);
    if (tab === undefined) throw new Error(`${this.name} has no chat open: a step must open it first`);
    return tab;
  }

  get latestAttempt(): HandshakeAttempt {
    return latest(this.attempts, `${this.name} has not tried to open the chat`);
  }

  // --- asking ----------------------------------------------------------------------------------

  ask(request: ChatRequest, options: { threadId?: ThreadId; tab?: ChatConnection } = {}): SentMessage {
    const tab = options.tab ?? this.chat;
    const clientMessageId = newClientMessageId();
    const data: Record<string, unknown> = { content: request.content, client_message_id: clientMessageId };
    if (options.threadId !== undefined) data.thread_id = options.threadId;
    const frame = tab.send('user_message', data);
    const message: SentMessage = { request, clientMessageId, tab, frame, threadId: options.threadId };
    this.messages.push(message);
    return message;
  }

  /** Records a user_message that went out the instant the socket opened (TabOptions.sendOnOpen). */
  adoptSentMessage(tab: ChatConnection, request: ChatRequest, clientMessageId: ClientMessageId): SentMessage {
    const frame = tab.sent.find((sent) => sent.type === 'user_message' && sent.text.includes(clientMessageId));
    if (frame === undefined) throw new Error(`${this.name} never sent message ${clientMessageId}`);
    const message: SentMessage = { request, clientMessageId, tab, frame, threadId: undefined };
    this.messages.push(message);
    return message;
  }

  /**
   * Sends the very same user_message again (same client_message_id and
   * content), as an app retrying after a lost acknowledgement would — on its
   * tab or another — tracked as a message of its own so its answer is awaited anew.
   */
  resend(message: SentMessage, tab: ChatConnection = message.tab): SentMessage {
    const frame = tab.sendText(message.frame.text);
    const again: SentMessage = { request: message.request, clientMessageId: message.clientMessageId, tab, frame, threadId: message.threadId };
    this.messages.push(again);
    return again;
  }

  get latestMessage(): SentMessage {
    return latest(this.messages, `${this.name} has not asked anything yet`);
  }

  /** The answer to `message` on its tab: its message_accepted or an error about it, or undefined at the deadline. */
  answerTo(message: SentMessage, timeoutMs = this.profile.patienceMs): Promise<ReceivedFrame | undefined> {
    return message.tab.until(timeoutMs, (frames) => frames.find((frame) => frame.receivedAt >= message.frame.sentAt && answersMessage(frame, message.clientMessageId)));
  }

  /** Waits for message_accepted of `message` on its tab; undefined when none came in time. */
  async awaitAcceptance(message: SentMessage, timeoutMs = this.profile.patienceMs): Promise<Acceptance | undefined> {
    if (message.accepted !== undefined) return message.accepted;
    // A re-send on the same tab gets an acknowledgement of its own: one already taken by an earlier send is not its answer.
    const taken = new Set(this.messages.flatMap((other) => (other !== message && other.accepted !== undefined ? [other.accepted.frame] : [])));
    const frame = await message.tab.until(timeoutMs, (frames) =>
      frames.find((candidate) => !taken.has(candidate) && frameType(candidate) === 'message_accepted' && frameData(candidate).client_message_id === message.clientMessageId && candidate.receivedAt >= message.frame.sentAt),
    );
    if (frame === undefined) return undefined;
    const data = frameData(frame);
    message.accepted = {
      clientMessageId: message.clientMessageId,
      messageId: asMessageId(String(data.message_id)),
      threadId: asThreadId(String(data.thread_id)),
      runId: asRunId(String(data.run_id)),
      frame,
    };
    return message.accepted;
  }

  /** An acceptance that must exist for the scenario to go on (an arrangement): an error naming what was awaited when it does not. */
  async accepted(message: SentMessage): Promise<Acceptance> {
    const acceptance = await this.awaitAcceptance(message);
    if (acceptance !== undefined) return acceptance;
    const answer = message.tab.received.filter((frame) => answersMessage(frame, message.clientMessageId)).map((frame) => frame.text.slice(0, 200));
    // Told why (an error): no rule is broken by saying no. Told nothing: the message was never acknowledged (GP-5.12).
    throw new Error(answer.length > 0
      ? `${this.name}'s message ${message.clientMessageId.slice(0, 8)} was refused, so the scenario cannot go on: she was told ${answer.join(' | ')}`
      : `${this.name}'s message ${message.clientMessageId.slice(0, 8)} was never acknowledged (GP-5.12). ${message.tab.describeState()}`);
  }

  /**
   * Watches the message's run on `tab` until agent_completed or the deadline,
   * and remembers it. The run must have been accepted (an arrangement); what
   * the run then did is for the judges.
   */
  async watchRun(message: SentMessage, tab: ChatConnection = message.tab, deadlineMs = this.profile.runCompletesWithinMs + this.profile.patienceMs): Promise<WatchedRun> {
    const accepted = await this.accepted(message);
    const started = performance.now();
    const completion = await tab.until(deadlineMs, (frames) =>
      frames.find((frame) => frameType(frame) === 'agent_completed' && frame.frame?.run_id === accepted.runId),
    );
    const run: WatchedRun = {
      who: this.name,
      userId: this.id,
      message,
      accepted,
      tab,
      events: this.resumes.some((resume) => resume.tab === tab && resume.runId === accepted.runId)
        ? onceEach(eventsUnderReview(tab.received, accepted.runId, this.knownRunIds()))
        : eventsUnderReview(tab.received, accepted.runId, this.knownRunIds()),
      ended: completion !== undefined,
      waitedMs: performance.now() - started,
      limits: {
        acceptedWithinMs: this.profile.acceptedWithinMs,
        startedWithinMs: this.profile.startedWithinMs,
        maxEventGapMs: this.profile.maxEventGapMs,
        completesWithinMs: this.agentIsPaced() ? undefined : this.profile.runCompletesWithinMs,
      },
      knownRunIds: () => this.knownRunIds(),
    };
    this.watchedRuns.push(run);
    return run;
  }

  /** The latest message's run, watched on every tab the user has. */
  watchOnEveryTab(message: SentMessage = this.latestMessage): Promise<WatchedRun[]> {
    return Promise.all(this.tabs.filter((tab) => tab.isOpen || tab.received.length > 0).map((tab) => this.watchRun(message, tab)));
  }

  get latestRun(): WatchedRun {
    return latest(this.watchedRuns, `no run of ${this.name}'s was watched: a step must watch the agent work first`);
  }

  /** The threads her accepted messages went to, in the order she first used them. */
  threads(): ThreadId[] {
    return [...new Set(this.messages.flatMap((message) => (message.accepted === undefined ? [] : [message.accepted.threadId])))];
  }

  /** Every run id this user's messages were accepted with. */
  knownRunIds(): Set<string> {
    return new Set(this.messages.flatMap((message) => (message.accepted === undefined ? [] : [message.accepted.runId])));
  }

  // --- resume, history, raw frames ---------------------------------------------------------------

  resume(tab: ChatConnection, runId: string, afterSeq: number): ResumeRequest {
    const request: ResumeRequest = { tab, runId, afterSeq, from: tab.received.length, sentAt: performance.now() };
    tab.send('resume', { run_id: runId, after_seq: afterSeq });
    this.resumes.push(request);
    return request;
  }

  get latestResume(): ResumeRequest {
    return latest(this.resumes, `${this.name} has not resumed anything`);
  }

  /** Reads a thread's history with `token` (default: her own valid token); remembers the answer. */
  async readHistory(threadId: string, options: { token?: string | undefined; owner?: string; endpoint?: Endpoint } = {}): Promise<HistoryRead> {
    const token = 'token' in options ? options.token : await this.token();
    const response = await fetchHistory(options.endpoint ?? this.endpoint(), threadId, token, this.profile.replyWithinMs);
    const read: HistoryRead = { threadId, owner: options.owner, response, readAt: performance.now() };
    this.historyReads.push(read);
    return read;
  }

  get latestHistoryRead(): HistoryRead {
    return latest(this.historyReads, `${this.name} has not read any history`);
  }

  /** Sends `text` as-is (or as binary, or in fragments) and remembers it as a probe. */
  sendRaw(what: string, text: string, how: 'text' | 'binary' | { fragmentBytes: number } = 'text', tab: ChatConnection = this.chat): Probe {
    const probe: Probe = { tab, what, text, from: tab.received.length, sentAt: performance.now() };
    if (how === 'text') tab.sendText(text);
    else if (how === 'binary') tab.sendBinary(Buffer.from(text, 'utf8'));
    else tab.sendFragmented(text, how.fragmentBytes);
    this.probes.push(probe);
    return probe;
  }

  get latestProbe(): Probe {
    return latest(this.probes, `${this.name}'s app has not sent anything unusual`);
  }

  /**
   * A round trip on `tab`: resolves once every frame the server sent before
   * the pong has arrived (false when no pong came in time).
   */
  async roundTrip(tab: ChatConnection = this.chat): Promise<boolean> {
    if (!tab.isOpen) return false;
    const nonce = `round-trip-${tab.sent.length}-${this.random.int(0, 1e9)}`;
    tab.send('ping', { nonce });
    const pong = await tab.until(this.profile.patienceMs, (frames) => frames.find((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === nonce));
    return pong !== undefined;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.tabs.map((tab) => tab.close()));
  }
}

/**
 * A tab that resumed a run may see an event twice, and live events in flight
 * before the replay (PROTOCOL §5: clients deduplicate by (run_id, seq) and
 * order by seq); the first copy counts. Whether the copies are the same and
 * the replay is in order is the resume rules' business.
 */
function onceEach(events: readonly ObservedEvent[]): ObservedEvent[] {
  const seen = new Set<string>();
  const once = events.filter((event) => {
    const key = `${String(event.runId)}:${JSON.stringify(event.seq)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const order = (event: ObservedEvent): number => (typeof event.seq === 'number' ? event.seq : Number.POSITIVE_INFINITY);
  return [...once].sort((a, b) => order(a) - order(b));
}

function latest<T>(items: readonly T[], none: string): T {
  const item = items.at(-1);
  if (item === undefined) throw new Error(none);
  return item;
}
