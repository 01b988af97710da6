/**
 * Every few seconds, what each backend instance holds: resident memory (its
 * whole process tree), the JavaScript heap when GET /health tells it (the
 * reference backend adds `memory`; the protocol does not ask for it), open
 * file descriptors by kind, its open WebSockets (/health `connections`), and
 * the PostgreSQL connections to the soak's database (pg_stat_activity, read
 * directly, not through the fault proxy).
 */
import { get } from 'node:http';
import { Client } from 'pg';
import { HttpPath } from '../../protocol/constants';
import { PROC_AVAILABLE, fdTotal, treeFdKinds, treeRssBytes, type FdKinds, type SocketLabels } from '../lib/proc-stats';

export interface InstanceSample {
  readonly rssMb: number | null;
  readonly heapUsedMb: number | null;
  readonly fds: number | null;
  readonly fdKinds: FdKinds | null;
  readonly websockets: number | null;
}

export interface Sample {
  /** Seconds since the soak's traffic began (negative before). */
  readonly t: number;
  readonly phase: string;
  readonly instances: Record<string, InstanceSample>;
  readonly pgConnections: number | null;
  readonly pgConnectionsByApplication: Record<string, number>;
  readonly openTabs: number;
}

export interface SampledInstance {
  readonly name: string;
  readonly pid: number | undefined;
  readonly httpUrl: string;
  readonly labels: SocketLabels;
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

export class Sampler {
  readonly samples: Sample[] = [];
  private pg: Client | undefined;
  private pgProblem: string | undefined;
  heapExposed: boolean | undefined;

  constructor(
    private readonly instances: readonly SampledInstance[],
    private readonly databaseUrl: string,
    private readonly origin: number,
  ) {}

  get procAvailable(): boolean {
    return PROC_AVAILABLE;
  }

  get postgresProblem(): string | undefined {
    return this.pgProblem;
  }

  async sample(phase: string, openTabs: number): Promise<Sample> {
    const instances: Record<string, InstanceSample> = {};
    await Promise.all(
      this.instances.map(async (instance) => {
        const rss = instance.pid === undefined ? undefined : treeRssBytes(instance.pid);
        const kinds = instance.pid === undefined ? undefined : treeFdKinds(instance.pid, instance.labels);
        const health = await this.health(instance.httpUrl);
        instances[instance.name] = {
          rssMb: rss === undefined ? null : mb(rss),
          heapUsedMb: health.heapUsedBytes === undefined ? null : mb(health.heapUsedBytes),
          fds: kinds === undefined ? null : fdTotal(kinds),
          fdKinds: kinds ?? null,
          websockets: health.connections ?? null,
        };
      }),
    );
    const pg = await this.pgConnections();
    const sample: Sample = {
      t: Math.round((performance.now() - this.origin) / 100) / 10,
      phase,
      instances,
      pgConnections: pg?.total ?? null,
      pgConnectionsByApplication: pg?.byApplication ?? {},
      openTabs,
    };
    this.samples.push(sample);
    return sample;
  }

  /**
   * GET /health on a connection of its own, closed after the answer
   * (agent: false): the sampler must not show up in the fds it counts.
   */
  private async health(httpUrl: string): Promise<{ connections?: number; heapUsedBytes?: number }> {
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const request = get(`${httpUrl}${HttpPath.health}`, { agent: false, timeout: 2_000 }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(body));
          response.on('error', reject);
        });
        request.on('timeout', () => request.destroy(new Error('no answer within 2 s')));
        request.on('error', reject);
      });
      const body = JSON.parse(text) as { connections?: unknown; memory?: { heap_used_bytes?: unknown } };
      const heap = body.memory?.heap_used_bytes;
      if (typeof heap === 'number') this.heapExposed = true;
      else this.heapExposed ??= false;
      return {
        ...(typeof body.connections === 'number' ? { connections: body.connections } : {}),
        ...(typeof heap === 'number' ? { heapUsedBytes: heap } : {}),
      };
    } catch (error) {
      // A busy instance may miss one sample; the gap shows in the figures as null.
      process.stderr.write(`soak: GET ${httpUrl}/health failed while sampling: ${error instanceof Error ? error.message : String(error)}\n`);
      return {};
    }
  }

  /** Connections to the soak's database, other than the sampler's own, by application_name. */
  private async pgConnections(): Promise<{ total: number; byApplication: Record<string, number> } | undefined> {
    try {
      if (this.pg === undefined) {
        const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 3_000, application_name: 'golden-path soak sampler' });
        client.on('error', (error) => {
          this.pgProblem = `the sampler's PostgreSQL connection failed: ${error.message}`;
          this.pg = undefined;
        });
        await client.connect();
        this.pg = client;
      }
      const { rows } = await this.pg.query<{ application_name: string; n: string }>(
        `SELECT application_name, count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY application_name`,
      );
      const byApplication: Record<string, number> = {};
      for (const row of rows) byApplication[row.application_name === '' ? '(unnamed)' : row.application_name] = Number(row.n);
      return { total: Object.values(byApplication).reduce((sum, n) => sum + n, 0), byApplication };
    } catch (error) {
      this.pgProblem = `pg_stat_activity could not be read: ${error instanceof Error ? error.message : String(error)}`;
      return undefined;
    }
  }

  async close(): Promise<void> {
    const client = this.pg;
    this.pg = undefined;
    await client?.end();
  }
}
