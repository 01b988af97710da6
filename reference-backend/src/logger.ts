/**
 * Minimal process logger: the startup line goes to stdout, warnings and errors
 * to stderr. No per-frame logging anywhere.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/**
 * Streams whose reader has gone away (EPIPE: the supervisor that piped our
 * output died). Writing to them again would only raise the same error, and
 * logging that error would write again: a busy loop. They are dropped instead.
 */
const closedStreams = new Set<NodeJS.WriteStream>();

function write(stream: NodeJS.WriteStream, text: string): void {
  if (!closedStreams.has(stream)) stream.write(text);
}

/** Call once at start-up: a broken stdout/stderr pipe silences logging instead of crashing or spinning. */
export function guardOutputStreams(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closedStreams.add(stream);
    });
  }
}

/** Exit status after an error nothing handled (EX_SOFTWARE from sysexits.h). */
export const CRASH_EXIT_CODE = 70;

/**
 * What to do with an error nothing handled: log it and exit non-zero. Going
 * on would serve from a state nobody knows; a supervisor restarts the
 * process, and the runs it leaves open are ended by the next instance's
 * startup or by another instance (protocol §5).
 */
export function crashOn(what: string, logger: Logger, exit: (code: number) => never = (code) => process.exit(code)): (err: unknown) => never {
  return (err) => {
    logger.error(what, err);
    return exit(CRASH_EXIT_CODE);
  };
}

export const consoleLogger: Logger = {
  info: (message) => write(process.stdout, `${message}\n`),
  warn: (message) => write(process.stderr, `warn: ${message}\n`),
  error: (message, err) => write(process.stderr, `error: ${message}${err === undefined ? '' : `: ${describeError(err)}`}\n`),
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * Logs a recurring failure once per outage: the first failure is logged, the
 * following ones are counted silently until `recovered()` logs the recovery.
 */
export class OutageLog {
  private down = false;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  failed(err: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(`${this.what} failing: ${describeError(err)}`);
  }

  recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.warn(`${this.what} recovered`);
  }
}
