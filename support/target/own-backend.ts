import type { EnvironmentProfile } from '../config/environment-profile';
import { FaultProxy } from '../services/fault-proxy';
import { LaunchedBackend } from './launched-backend';
import { launchBackend, requireLaunchSettings } from './suite-environment';

/**
 * A backend instance of one scenario's own, whose PostgreSQL and Redis are
 * reached through fault proxies the scenario can cut, blackhole or slow.
 * Shares the suite's databases, so the suite's other instances see the same
 * data. The world stops it when the scenario ends.
 */
export class OwnBackend {
  /** How each earlier process of this backend ended (one per restart). */
  readonly exits: Array<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number }> = [];
  /** When a step restarted or killed it: from the signal until it served again (a restart) or exited (a kill); for the report's timeline. */
  readonly interruptions: Array<{ readonly kind: 'restart' | 'crash'; readonly from: number; readonly to: number }> = [];

  private constructor(
    readonly label: string,
    private current: LaunchedBackend,
    readonly postgres: FaultProxy,
    readonly redis: FaultProxy,
  ) {}

  static async launch(
    profile: EnvironmentProfile,
    label: string,
    extra: Record<string, string | undefined> = {},
    options: { dependenciesDownAtStart?: boolean; databaseUrl?: string } = {},
  ): Promise<OwnBackend> {
    const settings = requireLaunchSettings();
    const postgres = await FaultProxy.start(hostAndPort(settings.postgres.url, 5432));
    const redis = await FaultProxy.start(hostAndPort(settings.redis.url, 6379));
    if (options.dependenciesDownAtStart === true) {
      postgres.cut();
      redis.cut();
    }
    try {
      const backend = await launchBackend(profile, label, extra, {
        postgres: postgres.proxiedUrl(options.databaseUrl ?? settings.postgres.url),
        redis: redis.proxiedUrl(settings.redis.url),
      });
      return new OwnBackend(label, backend, postgres, redis);
    } catch (error) {
      await Promise.all([postgres.close(), redis.close()]);
      throw error;
    }
  }

  get backend(): LaunchedBackend {
    return this.current;
  }

  get httpUrl(): string {
    return this.current.httpUrl;
  }

  get wsUrl(): string {
    return this.current.wsUrl;
  }

  /** SIGTERM, wait for the exit (SIGKILL after the grace period), then the same command again on the same port. */
  async restart(profile: EnvironmentProfile): Promise<void> {
    const previous = this.current;
    const from = performance.now();
    previous.process.signal('SIGTERM');
    const timer = setTimeout(() => previous.process.signal('SIGKILL'), profile.shutdownGraceMs);
    const exit = await previous.process.exited;
    clearTimeout(timer);
    this.exits.push({ ...exit, at: performance.now() });
    this.current = await LaunchedBackend.start(previous.launch, previous.port);
    this.interruptions.push({ kind: 'restart', from, to: performance.now() });
  }

  /** SIGKILL, as a crash would: the process dies at once, its sockets without a close frame. Resolves once it is dead, with when it died. */
  async kill(): Promise<number> {
    const from = performance.now();
    this.current.process.signal('SIGKILL');
    const exit = await this.current.process.exited;
    const at = performance.now();
    this.exits.push({ ...exit, at });
    this.interruptions.push({ kind: 'crash', from, to: at });
    return at;
  }

  /** After a kill: the same command, with the same environment (INSTANCE_ID included), on the same port, as a platform restarts a crashed instance. */
  async startAgain(): Promise<void> {
    if (!this.current.process.hasExited) throw new Error(`the ${this.label} instance is still running: it must die before it is started again`);
    this.current = await LaunchedBackend.start(this.current.launch, this.current.port);
  }

  /** True while a dependency of this backend is cut, blackholed or slowed. */
  get dependencyBroken(): boolean {
    return this.postgres.currentMode.kind !== 'pass' || this.redis.currentMode.kind !== 'pass';
  }

  async stop(graceMs: number): Promise<void> {
    this.postgres.restore();
    this.redis.restore();
    await this.current.stop(graceMs);
    await Promise.all([this.postgres.close(), this.redis.close()]);
  }
}

function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? defaultPort : Number(parsed.port) };
}
