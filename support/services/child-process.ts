import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A child process the suite owns: started in its own process group so the
 * whole tree (a shell and what it runs) is signalled together, and killed on
 * any exit of the suite, even an abnormal one.
 */
export class OwnedProcess {
  private readonly stdoutTail: string[] = [];
  private readonly stderrTail: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** performance.now() of the first signal the suite sent it, and of its exit (for the report's timeline). */
  signalledAt: number | undefined;
  exitedAt: number | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly label: string, private readonly child: ChildProcess) {
    live.add(this);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.exitedAt = performance.now();
        live.delete(this);
        resolve(this.exitInfo);
      });
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => keepTail(this.stdoutTail, chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => keepTail(this.stderrTail, chunk));
  }

  static start(label: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): OwnedProcess {
    const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new OwnedProcess(label, child);
  }

  /** Runs a command line through `sh -c`, as a user would type it. */
  static startShell(label: string, commandLine: string, env: NodeJS.ProcessEnv, cwd?: string): OwnedProcess {
    return OwnedProcess.start(label, '/bin/sh', ['-c', `exec ${commandLine}`], env, cwd);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  get exitCode(): number | null | undefined {
    return this.exitInfo?.code;
  }

  stdout(): string {
    return this.stdoutTail.join('');
  }

  stderr(): string {
    return this.stderrTail.join('');
  }

  signal(signal: NodeJS.Signals): void {
    if (this.hasExited || this.child.pid === undefined) return;
    this.signalledAt ??= performance.now();
    signalGroup(this.child.pid, signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.hasExited) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

const TAIL_LIMIT = 64 * 1024;

function keepTail(parts: string[], chunk: string): void {
  parts.push(chunk);
  let size = parts.reduce((sum, part) => sum + part.length, 0);
  while (size > TAIL_LIMIT && parts.length > 1) size -= parts.shift()?.length ?? 0;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const live = new Set<OwnedProcess>();
const killAll = (): void => {
  for (const owned of live) owned.signal('SIGKILL');
};

/** What must still be undone when the process is killed by a signal: throwaway databases, data directories. */
const signalCleanups = new Map<symbol, { readonly label: string; readonly run: () => Promise<void> }>();
/** A signal's cleanups get this long; then the process dies of the signal regardless. */
export const SIGNAL_CLEANUP_MS = 5_000;

/**
 * Registers an asynchronous cleanup to run if the process is killed by
 * SIGINT, SIGTERM or SIGHUP (after the children are killed, before it dies of
 * the signal, at most SIGNAL_CLEANUP_MS in all). Returns the function that
 * unregisters it, for when the thing was cleaned up the normal way.
 */
export function cleanUpOnSignal(label: string, run: () => Promise<void>): () => void {
  const key = Symbol(label);
  signalCleanups.set(key, { label, run });
  return () => {
    signalCleanups.delete(key);
  };
}

process.once('exit', killAll);
// Killed by a signal, Node does not emit 'exit': take the children down, undo
// what must not outlive the run, then die of the same signal as we would have
// without this handler.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    const steps = [...signalCleanups.values()];
    signalCleanups.clear();
    const die = (): void => {
      process.kill(process.pid, signal);
    };
    if (steps.length === 0) return die();
    const timer = setTimeout(() => {
      process.stderr.write(`golden-path: ${signal}: cleanup did not finish within ${SIGNAL_CLEANUP_MS} ms (${steps.map((s) => s.label).join(', ')}); the next run reaps what is left\n`);
      die();
    }, SIGNAL_CLEANUP_MS);
    void Promise.allSettled(steps.map((step) => step.run())).then((results) => {
      results.forEach((result, i) => {
        if (result.status === 'rejected') process.stderr.write(`golden-path: ${signal}: ${steps[i]?.label ?? 'cleanup'} failed: ${String(result.reason)}\n`);
      });
      clearTimeout(timer);
      die();
    });
  });
}
