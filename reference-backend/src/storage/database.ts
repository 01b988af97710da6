import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { OutageLog, type Logger } from '../logger';
import { TimeoutError } from '../util/timing';

/** Timeouts chosen so a dead or blackholed PostgreSQL yields SERVICE_UNAVAILABLE within 5 s. */
const CONNECT_TIMEOUT_MS = 2000;
const QUERY_TIMEOUT_MS = 3000;
/**
 * Connections kept open even when idle. Opening one costs several round trips
 * (startup, SCRAM authentication, TLS in production), which on a slow network
 * can exceed CONNECT_TIMEOUT_MS; the few a run uses at once (an event write,
 * a tool's read, a health probe) must already be open when the network turns
 * slow.
 */
const WARM_CONNECTIONS = 4;

export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Thin wrapper over a pg Pool: plain queries and transactions with safe
 * cleanup. Health probes go over a connection of their own: a pool busy with
 * the work of many runs is not PostgreSQL being down, and must not make the
 * instance report itself unavailable (and refuse every message) under load.
 */
export class Database implements Queryable {
  private readonly pool: Pool;
  private readonly probePool: Pool;
  private readonly outage: OutageLog;
  private warming = false;

  constructor(connectionString: string, logger: Logger, applicationName: string) {
    this.outage = new OutageLog(logger, 'postgres connection');
    this.pool = new Pool({
      connectionString,
      max: 20,
      min: WARM_CONNECTIONS, // not closed when idle
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      idleTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: applicationName.slice(0, 63),
    });
    // An idle client losing its connection must never crash the process.
    this.pool.on('error', (err) => this.outage.failed(err));
    this.probePool = new Pool({
      connectionString,
      max: 1,
      min: 1,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
      application_name: `${applicationName.slice(0, 55)} probe`,
    });
    this.probePool.on('error', (err) => this.outage.failed(err));
  }

  /** Whether PostgreSQL answers, asked over the probe's own connection (never queued behind the pool's work). */
  async probe(): Promise<void> {
    await this.probePool.query('SELECT 1');
  }

  async query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    try {
      const result = await this.pool.query<R>(text, values);
      this.outage.recovered();
      return result;
    } catch (err) {
      if (isDatabaseUnavailable(err)) this.outage.failed(err);
      throw err;
    }
  }

  /**
   * Run `work` inside BEGIN/COMMIT. Any error rolls back; when the error means
   * the connection itself is unusable, the client is discarded instead of
   * waiting on a ROLLBACK that could hang.
   */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const value = await work(client);
      await client.query('COMMIT');
      client.release();
      return value;
    } catch (err) {
      await discardOrRollback(client, err);
      throw err;
    }
  }

  /**
   * Top the pool up to WARM_CONNECTIONS open connections, in the background
   * (after startup or an outage): asking for that many at once hands out the
   * idle ones and makes the pool open the missing ones. Failures are left to
   * the health probes.
   */
  keepWarm(): void {
    if (this.warming || this.pool.totalCount >= WARM_CONNECTIONS) return;
    this.warming = true;
    const borrowAndReturn = (): Promise<void> => this.pool.connect().then((client) => client.release());
    void Promise.allSettled(Array.from({ length: WARM_CONNECTIONS }, borrowAndReturn)).finally(() => {
      this.warming = false;
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.probePool.end()]);
  }
}

async function discardOrRollback(client: PoolClient, err: unknown): Promise<void> {
  if (isDatabaseUnavailable(err)) {
    client.release(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (rollbackErr) {
    client.release(rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr)));
  }
}

/** SQLSTATE classes meaning "the database is not there": connection exception, insufficient resources, operator intervention, system error. */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '53', '57', '58']);

/** True when an error means PostgreSQL is unreachable or not answering (as opposed to a bug or a constraint). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE_CLASSES.has(code.slice(0, 2));
    if (/^E[A-Z]+$/.test(code)) return true; // Node system errors: ECONNREFUSED, ETIMEDOUT, ...
  }
  return /connection terminated|timeout|timed out|connect|not queryable|pool/i.test(err.message);
}
