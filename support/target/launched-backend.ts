import { LAUNCH_VARIABLES } from '../../protocol/constants';
import { OwnedProcess } from '../services/child-process';
import { freePort } from '../services/free-port';
import { GiveUp, pollUntil } from '../services/deadline';

export interface BackendLaunch {
  readonly label: string;
  /** A shell command line. */
  readonly command: string;
  readonly commandLabel: string;
  readonly cwd: string;
  /** PROTOCOL §1 variables (HOST and PORT are chosen here). */
  readonly environment: Record<string, string>;
  readonly startTimeoutMs: number;
}

/**
 * A backend process started from a command line with PROTOCOL §1's
 * environment, ready once `GET /health` answers 200.
 */
export class LaunchedBackend {
  private constructor(
    readonly process: OwnedProcess,
    readonly port: number,
    readonly launch: BackendLaunch,
  ) {}

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Starts the process and waits until it is ready; fails with the reason if it is not. */
  static async start(launch: BackendLaunch, port?: number): Promise<LaunchedBackend> {
    const backend = await LaunchedBackend.spawn(launch, port);
    const child = backend.process;
    try {
      await backend.waitUntilHealthy(launch.startTimeoutMs);
    } catch (error) {
      await child.stop(1_000);
      throw error;
    }
    return backend;
  }

  /** Starts the process and returns at once, without waiting for readiness (it may be meant to fail). */
  static async spawn(launch: BackendLaunch, port?: number): Promise<LaunchedBackend> {
    const chosenPort = port ?? (await freePort());
    const child = OwnedProcess.startShell(launch.label, launch.command, launchEnvironment(launch.environment, chosenPort), launch.cwd);
    return new LaunchedBackend(child, chosenPort, launch);
  }

  async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const healthUrl = `${this.httpUrl}/health`;
    try {
      await pollUntil(`GET ${healthUrl} to answer 200`, timeoutMs, async () => {
        if (this.process.hasExited) throw new ExitedEarly(this.process.exitCode);
        const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1_000) });
        await response.arrayBuffer();
        return response.status === 200 ? true : undefined;
      });
    } catch (error) {
      throw new Error(this.notReadyMessage(error), { cause: error });
    }
  }

  private notReadyMessage(error: unknown): string {
    const { commandLabel } = this.launch;
    const output = [this.process.stderr().trim(), this.process.stdout().trim()].filter(Boolean).join('\n').slice(-2_000);
    const printed = output === '' ? 'It printed nothing.' : `Its last output:\n${output}`;
    const headline = this.process.hasExited
      ? `${commandLabel} exited with code ${String(this.process.exitCode)} before it answered GET /health.`
      : `${commandLabel} did not answer GET /health with 200 within ${(this.launch.startTimeoutMs / 1000).toFixed(1)} s ` +
        `(${error instanceof Error ? error.message : String(error)}).`;
    return (
      `${headline} No scenario can run without a live backend, so the suite stops here rather than report anything as passing. ` +
      `A backend must serve HTTP and WebSocket on $HOST:$PORT (here 127.0.0.1:${this.port}) and answer GET /health with 200 once ready. ${printed}`
    );
  }

  async stop(graceMs: number): Promise<void> {
    await this.process.stop(graceMs);
  }
}

/** PROTOCOL §1's variables: only what the suite sets reaches a backend, never a stray value from the shell. */
const PROTOCOL_VARIABLES = [...LAUNCH_VARIABLES, 'E2E_TOKEN_KEY', 'REDIS_KEY_PREFIX'];

function launchEnvironment(environment: Record<string, string>, port: number): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PROTOCOL_VARIABLES) delete inherited[name];
  return { ...inherited, ...environment, HOST: '127.0.0.1', PORT: String(port) };
}

class ExitedEarly extends GiveUp {
  constructor(code: number | null | undefined) {
    super(`the process exited with code ${String(code)}`);
  }
}
