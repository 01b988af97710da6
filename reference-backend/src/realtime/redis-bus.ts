import { Redis, type RedisOptions } from 'ioredis';
import type { RunId, UserId } from '../domain/ids';
import { describeError, OutageLog, type Logger } from '../logger';
import type { InstanceLiveness } from '../runs/run-reaper';
import type { RunOwner } from '../storage/lease-store';
import { withTimeout } from '../util/timing';

/** A run event travelling between instances. */
export interface RemoteRunEvent {
  readonly origin: string;
  readonly userId: UserId;
  readonly runId: RunId;
  readonly seq: number;
  readonly frameText: string;
  /** Part of the ending of a run whose instance is gone, by another instance (runs/run-reaper.ts). */
  readonly ending?: boolean;
}

const COMMAND_TIMEOUT_MS = 1000;

const CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 1000,
  commandTimeout: COMMAND_TIMEOUT_MS,
  retryStrategy: () => 250,
  enableReadyCheck: true,
};

/** The instance's one subscription: the pattern of every user's channel, and whether Redis confirmed it. */
interface PatternSubscription {
  readonly done: Promise<void>;
  confirmed: boolean;
}

/**
 * Pub/sub fan-out of run events between instances. Events are published on
 * per-user channels `${prefix}user:${userId}`; each instance holds ONE pattern
 * subscription `${prefix}user:*`, made as soon as its subscriber connection is
 * ready (and again after every reconnect), and routes what arrives in-process
 * to the local connections of that user — so opening or closing a connection
 * costs no Redis command. Redis is optional: every operation degrades to a
 * no-op while it is down, with one log line per outage.
 *
 * It also carries the instances' announcements of life (InstanceLiveness):
 * `${prefix}alive:${instanceId}`, set every second with a time to live, so
 * that a dead instance's announcement vanishes on its own.
 */
export class RedisBus implements InstanceLiveness {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly publishOutage: OutageLog;
  private readonly connectionOutage: OutageLog;
  private readonly pattern: string;
  /** How every payload this instance publishes begins: its own publications are recognised without parsing them. */
  private readonly ownPayloadStart: string;
  /** The subscription on the subscriber's current connection: undefined until asked for, and again once that connection is lost. */
  private subscription: PatternSubscription | undefined;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly onRemoteEvent: (event: RemoteRunEvent) => void,
    private readonly logger: Logger,
  ) {
    this.publishOutage = new OutageLog(logger, 'redis publishing');
    this.connectionOutage = new OutageLog(logger, 'redis connection');
    this.pattern = `${escapeGlob(prefix)}user:*`;
    this.ownPayloadStart = `{"o":${JSON.stringify(instanceId)},`;
    // Publications made in the same tick (a group commit delivers several events at once) go out in one write.
    // PING is left out, so a health probe never waits behind a batch of publications.
    this.publisher = new Redis(url, {
      ...CLIENT_OPTIONS,
      connectionName: `${instanceId}:pub`,
      enableAutoPipelining: true,
      autoPipeliningIgnoredCommands: ['ping'],
    });
    // The subscription is (re)made on every 'ready' below, also when the first attempt failed
    // (Redis down at startup), which ioredis's own re-subscription would not cover.
    this.subscriber = new Redis(url, { ...CLIENT_OPTIONS, connectionName: `${instanceId}:sub`, autoResubscribe: false });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (err: unknown) => this.connectionOutage.failed(err));
    }
    this.subscriber.on('ready', () => {
      this.connectionOutage.recovered();
      this.subscribe().catch((err: unknown) => this.connectionOutage.failed(err));
    });
    this.subscriber.on('close', () => {
      this.subscription = undefined;
    });
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => this.handleMessage(channel, message));
  }

  private channelOf(userId: UserId): string {
    return `${this.prefix}user:${userId}`;
  }

  isReady(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready' && this.subscription?.confirmed === true;
  }

  /**
   * True when Redis answers PING within a second (waiting that long for a
   * connection in progress) and this instance's subscription is in place
   * (made now if it is missing), so events from other instances arrive.
   */
  async ping(): Promise<boolean> {
    try {
      await this.untilReady(COMMAND_TIMEOUT_MS);
      await withTimeout(Promise.all([this.publisher.ping(), this.subscribe()]), COMMAND_TIMEOUT_MS, 'redis ping');
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
   * Right after the subscriber (re)connected, its subscription may still be
   * on its way: then a promise that settles once it is confirmed, or after
   * at most `ms`. Undefined when there is nothing to wait for (the usual
   * case: subscribed since startup; or the subscriber is not connected).
   */
  subscriptionPending(ms: number): Promise<void> | undefined {
    const subscription = this.subscription;
    if (subscription === undefined || subscription.confirmed || this.subscriber.status !== 'ready') return undefined;
    return withTimeout(subscription.done, ms, 'redis subscribe').catch((err: unknown) => this.connectionOutage.failed(err));
  }

  /** Subscribe to every user's channel on the current connection, once; resolves when Redis confirmed it. */
  private subscribe(): Promise<void> {
    if (this.subscription !== undefined) return this.subscription.done;
    const done = this.subscriber.psubscribe(this.pattern).then(
      () => {
        subscription.confirmed = true;
      },
      (err: unknown) => {
        if (this.subscription === subscription) this.subscription = undefined; // the next ping or 'ready' tries again
        throw err;
      },
    );
    const subscription: PatternSubscription = { done, confirmed: false };
    this.subscription = subscription;
    return done;
  }

  private aliveKeyOf(instanceId: string): string {
    return `${this.prefix}alive:${instanceId}`;
  }

  async announce(owner: RunOwner): Promise<void> {
    await this.publisher.set(this.aliveKeyOf(owner.instanceId), owner.incarnation, 'PX', owner.silenceMs);
  }

  async silentAmong(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const announcements = await this.publisher.mget(...names.map((name) => this.aliveKeyOf(name)));
    return names.filter((_, i) => announcements[i] === null);
  }

  /** Fire-and-forget publication; failures while Redis is down are expected and logged once. */
  publish(event: Omit<RemoteRunEvent, 'origin'>): void {
    if (this.publisher.status !== 'ready') {
      this.publishOutage.failed(new Error(`redis is ${this.publisher.status}`));
      return;
    }
    const payload = JSON.stringify({ o: this.instanceId, u: event.userId, r: event.runId, s: event.seq, f: event.frameText, ...(event.ending === true ? { e: 1 } : {}) });
    this.publisher.publish(this.channelOf(event.userId), payload).then(
      () => this.publishOutage.recovered(),
      (err: unknown) => this.publishOutage.failed(err),
    );
  }

  private handleMessage(channel: string, message: string): void {
    if (message.startsWith(this.ownPayloadStart)) return; // our own publication: already delivered locally
    let parsed: { o?: unknown; u?: unknown; r?: unknown; s?: unknown; f?: unknown; e?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch (err) {
      this.logger.warn(`ignoring malformed message on ${channel}: ${describeError(err)}`);
      return;
    }
    const { o, u, r, s, f, e } = parsed;
    if (o === this.instanceId) return;
    if (typeof o !== 'string' || typeof u !== 'string' || typeof r !== 'string' || typeof s !== 'number' || typeof f !== 'string') return;
    if (channel !== this.channelOf(u as UserId)) return;
    this.onRemoteEvent({ origin: o, userId: u as UserId, runId: r as RunId, seq: s, frameText: f, ...(e === 1 ? { ending: true } : {}) });
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

/** `text` matched literally in a Redis glob pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}
