import type { EnvironmentProfile } from '../config/environment-profile';
import { FaultProxy } from '../services/fault-proxy';
import type { LaunchedBackend } from './launched-backend';
import { launchBackend, requireLaunchSettings } from './suite-environment';

/**
 * A backend instance of one scenario's own, whose PostgreSQL and Redis are
 * reached through fault proxies the scenario can cut, blackhole or slow.
 * Shares the suite's databases, so the suite's other instances see the same
 * data. The world stops it when the scenario ends.
 */
export class OwnBackend {
  private constructor(
    readonly backend: LaunchedBackend,
    readonly postgres: FaultProxy,
    readonly redis: FaultProxy,
  ) {}

  static async launch(profile: EnvironmentProfile, label: string, extra: Record<string, string> = {}): Promise<OwnBackend> {
    const settings = requireLaunchSettings();
    const postgres = await FaultProxy.start(hostAndPort(settings.postgres.url, 5432));
    const redis = await FaultProxy.start(hostAndPort(settings.redis.url, 6379));
    try {
      const backend = await launchBackend(profile, label, extra, {
        postgres: postgres.proxiedUrl(settings.postgres.url),
        redis: redis.proxiedUrl(settings.redis.url),
      });
      return new OwnBackend(backend, postgres, redis);
    } catch (error) {
      await Promise.all([postgres.close(), redis.close()]);
      throw error;
    }
  }

  get httpUrl(): string {
    return this.backend.httpUrl;
  }

  get wsUrl(): string {
    return this.backend.wsUrl;
  }

  async stop(graceMs: number): Promise<void> {
    this.postgres.restore();
    this.redis.restore();
    await this.backend.stop(graceMs);
    await Promise.all([this.postgres.close(), this.redis.close()]);
  }
}

function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? defaultPort : Number(parsed.port) };
}
