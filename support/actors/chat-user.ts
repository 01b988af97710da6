import type { Permission } from '../auth/token-minter';
import { presentToken, type TokenForm } from '../auth/credentials';
import { ChatConnection, type ConnectOptions } from '../client/chat-connection';
import type { EnvironmentProfile } from '../config/environment-profile';
import { frameData, frameType, type ReceivedFrame, type SentFrame } from '../domain/frames';
import { asMessageId, asRunId, asThreadId, isUuid, newClientMessageId, type ClientMessageId, type MessageId, type RunId, type ThreadId, type UserId } from '../domain/ids';
import type { Endpoint, SystemUnderTest } from '../target/system-under-test';
import { eventsOfRun, type ObservedEvent } from '../oracle/run-events';
import type { ChatRequest } from './requests';

/** What the server acknowledged for one user_message (PROTOCOL §4 message_accepted). */
export interface AcceptedMessage {
  readonly clientMessageId: ClientMessageId;
  readonly messageId: MessageId;
  readonly threadId: ThreadId;
  readonly runId: RunId;
  readonly frame: ReceivedFrame;
}

/** One user_message the user sent, and what became of it. */
export interface SentMessage {
  readonly request: ChatRequest;
  readonly clientMessageId: ClientMessageId;
  readonly connection: ChatConnection;
  readonly frame: SentFrame;
  /** Set once message_accepted arrived. */
  accepted?: AcceptedMessage;
  /** Sent while a step had a dependency of the backend broken (counted for the degradation metric). */
  duringFault?: boolean;
}

/** Where and how a tab connects. */
export interface TabOptions extends Pick<ConnectOptions, 'sendOnOpen'> {
  /** Another backend instance than the scenario's current one. */
  readonly endpoint?: Endpoint;
  /** Names the instance in transcripts: "Alice/tab-2@second". */
  readonly instanceLabel?: string;
}

/** A run as one connection saw it, through to agent_completed. */
export interface WatchedRun {
  readonly message: SentMessage;
  readonly accepted: AcceptedMessage;
  readonly connection: ChatConnection;
  readonly events: ObservedEvent[];
  readonly frames: ReceivedFrame[];
}

/**
 * A person using the chat: who they are, their open tabs, what they asked.
 * Knows how to act; judging what happened is left to the expectations.
 */
export class ChatUser {
  readonly connections: ChatConnection[] = [];
  readonly messages: SentMessage[] = [];
  /** Resumes this user sent: on which tab, of which run, after which seq, from which frame on. */
  readonly resumes: Array<{ connection: ChatConnection; runId: string; afterSeq: number; fromIndex: number }> = [];
  /** Runs this user watched to their end, in order. */
  readonly watchedRuns: WatchedRun[] = [];
  private tabCount = 0;

  constructor(
    readonly name: string,
    readonly id: UserId,
    readonly permissions: readonly Permission[],
    private readonly sut: SystemUnderTest,
    private readonly profile: EnvironmentProfile,
    /** Where this user's tabs connect: the scenario's backend, which a step may switch. */
    private readonly endpoint: () => Endpoint,
  ) {}

  token(expiresInSeconds = 3_600): string {
    return this.sut.identities.tokenFor(this.id, { permissions: this.permissions, expiresInSeconds });
  }

  /** Opens a tab: upgrades, then waits for connection_established. */
  async openChat(form: TokenForm = 'header', options: TabOptions = {}): Promise<ChatConnection> {
    const connection = await this.connect(form, options);
    await connection.waitForType('connection_established', this.profile.connectTimeoutMs);
    return connection;
  }

  /** Opens a tab and returns once upgraded (101), without waiting for readiness; refusals reject with HandshakeRefusedError. */
  async connect(form: TokenForm = 'header', options: TabOptions = {}): Promise<ChatConnection> {
    this.tabCount += 1;
    const connection = await ChatConnection.connect({
      label: `${this.name}/tab-${this.tabCount}${options.instanceLabel === undefined ? '' : `@${options.instanceLabel}`}`,
      url: (options.endpoint ?? this.endpoint()).wsUrl,
      credentials: presentToken(this.token(), form),
      timeoutMs: this.profile.connectTimeoutMs,
      ...(options.sendOnOpen === undefined ? {} : { sendOnOpen: options.sendOnOpen }),
    });
    this.connections.push(connection);
    return connection;
  }

  /** The most recently opened tab. */
  get chat(): ChatConnection {
    const connection = this.connections[this.connections.length - 1];
    if (connection === undefined) throw new Error(`${this.name} has no chat open: a step must open it first`);
    return connection;
  }

  get latestRun(): WatchedRun {
    const run = this.watchedRuns[this.watchedRuns.length - 1];
    if (run === undefined) throw new Error(`no run of ${this.name}'s was watched to its end: a step must watch the agent work first`);
    return run;
  }

  get latestMessage(): SentMessage {
    const message = this.messages[this.messages.length - 1];
    if (message === undefined) throw new Error(`${this.name} has not asked anything yet`);
    return message;
  }

  ask(request: ChatRequest, options: { threadId?: ThreadId; connection?: ChatConnection } = {}): SentMessage {
    const connection = options.connection ?? this.chat;
    const clientMessageId = newClientMessageId();
    const data: Record<string, unknown> = { content: request.content, client_message_id: clientMessageId };
    if (options.threadId !== undefined) data.thread_id = options.threadId;
    const frame = connection.send('user_message', data);
    const message: SentMessage = { request, clientMessageId, connection, frame };
    this.messages.push(message);
    return message;
  }

  /** Records a user_message that was sent by other means (e.g. the instant the socket opened). */
  adoptSentMessage(connection: ChatConnection, request: ChatRequest, clientMessageId: ClientMessageId): SentMessage {
    const frame = connection.sent.find((sent) => sent.type === 'user_message' && sent.text.includes(clientMessageId));
    if (frame === undefined) throw new Error(`${this.name} never sent message ${clientMessageId}`);
    const message: SentMessage = { request, clientMessageId, connection, frame };
    this.messages.push(message);
    return message;
  }

  /** Sends the very same user_message again (same client_message_id), as an app retrying after a lost acknowledgement would. */
  resend(message: SentMessage): void {
    message.connection.sendText(message.frame.text);
  }

  /**
   * Retries an earlier message on the current tab (same client_message_id and
   * content), tracked as a message of its own so its acknowledgement is awaited anew.
   */
  retry(message: SentMessage): SentMessage {
    const connection = this.chat;
    const frame = connection.sendText(message.frame.text);
    const retried: SentMessage = { request: message.request, clientMessageId: message.clientMessageId, connection, frame };
    this.messages.push(retried);
    return retried;
  }

  /** Waits for message_accepted of `message` on the connection it was sent on. */
  async awaitAccepted(message: SentMessage, timeoutMs = this.profile.replyWithinMs): Promise<AcceptedMessage> {
    const { connection, clientMessageId } = message;
    const frame = await connection.waitFor(`waiting for message_accepted of ${clientMessageId.slice(0, 8)}`, timeoutMs, (frames) =>
      frames.find((candidate) => frameType(candidate) === 'message_accepted' && frameData(candidate).client_message_id === clientMessageId),
    );
    const data = frameData(frame);
    for (const field of ['message_id', 'thread_id', 'run_id'] as const) {
      if (!isUuid(data[field])) {
        throw new Error(`message_accepted for ${this.name}'s message has ${field} ${JSON.stringify(data[field])}, not a UUID: the client cannot follow the run or find the conversation later`);
      }
    }
    message.accepted = {
      clientMessageId,
      messageId: asMessageId(String(data.message_id)),
      threadId: asThreadId(String(data.thread_id)),
      runId: asRunId(String(data.run_id)),
      frame,
    };
    return message.accepted;
  }

  /** Waits until `connection` has received agent_completed of the message's run. */
  async watchRun(message: SentMessage, connection: ChatConnection = message.connection): Promise<WatchedRun> {
    const accepted = message.accepted ?? (await this.awaitAccepted(message));
    await connection.waitFor(
      `waiting for agent_completed of run ${accepted.runId.slice(0, 8)} — the user is still waiting for an answer`,
      this.profile.runCompletesWithinMs,
      (frames) => eventsOfRun(frames, accepted.runId).find((event) => event.type === 'agent_completed'),
    );
    const frames = connection.received.filter((frame) => frame.frame?.run_id === accepted.runId);
    const run: WatchedRun = { message, accepted, connection, events: eventsOfRun(connection.received, accepted.runId), frames };
    this.watchedRuns.push(run);
    return run;
  }

  /** Every run id this user's messages were accepted with. */
  knownRunIds(): Set<string> {
    return new Set(this.messages.flatMap((message) => (message.accepted === undefined ? [] : [message.accepted.runId])));
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.close()));
  }
}
