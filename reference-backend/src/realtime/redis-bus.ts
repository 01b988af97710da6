import { Redis, type RedisOptions } from 'ioredis';
import type { RunId, UserId } from '../domain/ids';
import { describeError, OutageLog, type Logger } from '../logger';
import { withTimeout } from '../util/timing';

/** A run event travelling between instances. */
export interface RemoteRunEvent {
  readonly origin: string;
  readonly userId: UserId;
  readonly runId: RunId;
  readonly seq: number;
  readonly frameText: string;
}

const COMMAND_TIMEOUT_MS = 1000;
/** How long connection setup waits for a user's subscription before going on without it. */
const SUBSCRIBE_WAIT_MS = 500;

const CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 1000,
  commandTimeout: COMMAND_TIMEOUT_MS,
  retryStrategy: () => 250,
  enableReadyCheck: true,
  autoResubscribe: true,
};

/**
 * Pub/sub fan-out of run events between instances over per-user channels
 * `${prefix}user:${userId}`. Redis is optional: every operation degrades to a
 * no-op while it is down, with one log line per outage.
 */
export class RedisBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly publishOutage: OutageLog;
  private readonly connectionOutage: OutageLog;
  /** Users with local connections, and how many. */
  private readonly subscribedUsers = new Map<UserId, { refs: number; ready: Promise<void> }>();

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly onRemoteEvent: (event: RemoteRunEvent) => void,
    private readonly logger: Logger,
  ) {
    this.publishOutage = new OutageLog(logger, 'redis publishing');
    this.connectionOutage = new OutageLog(logger, 'redis connection');
    this.publisher = new Redis(url, { ...CLIENT_OPTIONS, connectionName: `${instanceId}:pub` });
    this.subscriber = new Redis(url, { ...CLIENT_OPTIONS, connectionName: `${instanceId}:sub` });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (err: unknown) => this.connectionOutage.failed(err));
    }
    this.subscriber.on('ready', () => this.resubscribeAll());
    this.subscriber.on('message', (channel: string, message: string) => this.handleMessage(channel, message));
  }

  private channelOf(userId: UserId): string {
    return `${this.prefix}user:${userId}`;
  }

  isReady(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** True when Redis answers PING within a second (waiting that long for a connection in progress). */
  async ping(): Promise<boolean> {
    try {
      await this.untilReady(COMMAND_TIMEOUT_MS);
      await withTimeout(this.publisher.ping(), COMMAND_TIMEOUT_MS, 'redis ping');
      this.connectionOutage.recovered();
      return true;
    } catch (err) {
      this.connectionOutage.failed(err);
      return false;
    }
  }

  /** Wait for a first connection still in progress; fail at once when the clients are already reconnecting. */
  private async untilReady(ms: number): Promise<void> {
    const pending = [this.publisher, this.subscriber].filter((c) => c.status !== 'ready');
    if (pending.length === 0) return;
    const stuck = pending.find((c) => !['wait', 'connecting', 'connect'].includes(c.status));
    if (stuck !== undefined) throw new Error(`redis is ${stuck.status}`);
    const cleanups: (() => void)[] = [];
    const ready = Promise.all(
      pending.map(
        (client) =>
          new Promise<void>((resolve, reject) => {
            const onReady = (): void => resolve();
            const onError = (err: Error): void => reject(err);
            client.once('ready', onReady);
            client.once('error', onError);
            cleanups.push(() => {
              client.off('ready', onReady);
              client.off('error', onError);
            });
          }),
      ),
    );
    try {
      await withTimeout(ready, ms, 'redis connection');
    } finally {
      for (const cleanup of cleanups) cleanup();
    }
  }

  /**
   * Make sure this instance receives the user's events from other instances.
   * With `wait`, resolves once subscribed (at most 500 ms); while Redis is down
   * the subscription is made when it comes back.
   */
  async acquireUser(userId: UserId, wait: boolean): Promise<void> {
    let entry = this.subscribedUsers.get(userId);
    if (entry === undefined) {
      entry = { refs: 0, ready: this.subscribe(this.channelOf(userId)) };
      this.subscribedUsers.set(userId, entry);
    }
    entry.refs += 1;
    if (!wait) return;
    await withTimeout(entry.ready, SUBSCRIBE_WAIT_MS, 'redis subscribe').catch((err: unknown) => this.connectionOutage.failed(err));
  }

  releaseUser(userId: UserId): void {
    const entry = this.subscribedUsers.get(userId);
    if (entry === undefined) return;
    entry.refs -= 1;
    if (entry.refs > 0) return;
    this.subscribedUsers.delete(userId);
    if (this.subscriber.status !== 'ready') return;
    this.subscriber.unsubscribe(this.channelOf(userId)).catch((err: unknown) => this.connectionOutage.failed(err));
  }

  private async subscribe(channel: string): Promise<void> {
    if (this.subscriber.status !== 'ready') return;
    try {
      await this.subscriber.subscribe(channel);
    } catch (err) {
      this.connectionOutage.failed(err);
    }
  }

  private resubscribeAll(): void {
    this.connectionOutage.recovered();
    const channels = [...this.subscribedUsers.keys()].map((u) => this.channelOf(u));
    if (channels.length === 0) return;
    this.subscriber.subscribe(...channels).catch((err: unknown) => this.connectionOutage.failed(err));
  }

  /** Fire-and-forget publication; failures while Redis is down are expected and logged once. */
  publish(event: Omit<RemoteRunEvent, 'origin'>): void {
    if (this.publisher.status !== 'ready') {
      this.publishOutage.failed(new Error(`redis is ${this.publisher.status}`));
      return;
    }
    const payload = JSON.stringify({ o: this.instanceId, u: event.userId, r: event.runId, s: event.seq, f: event.frameText });
    this.publisher.publish(this.channelOf(event.userId), payload).then(
      () => this.publishOutage.recovered(),
      (err: unknown) => this.publishOutage.failed(err),
    );
  }

  private handleMessage(channel: string, message: string): void {
    let parsed: { o?: unknown; u?: unknown; r?: unknown; s?: unknown; f?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch (err) {
      this.logger.warn(`ignoring malformed message on ${channel}: ${describeError(err)}`);
      return;
    }
    const { o, u, r, s, f } = parsed;
    if (o === this.instanceId) return; // our own publication: already delivered locally
    if (typeof o !== 'string' || typeof u !== 'string' || typeof r !== 'string' || typeof s !== 'number' || typeof f !== 'string') return;
    if (channel !== this.channelOf(u as UserId)) return;
    this.onRemoteEvent({ origin: o, userId: u as UserId, runId: r as RunId, seq: s, frameText: f });
  }

  async close(): Promise<void> {
    for (const client of [this.publisher, this.subscriber]) {
      if (client.status === 'ready') {
        await withTimeout(client.quit(), 500, 'redis quit').catch(() => client.disconnect());
      } else {
        client.disconnect();
      }
    }
  }
}
