/**
 * Minimal process logger: the startup line goes to stdout, warnings and errors
 * to stderr. No per-frame logging anywhere.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => process.stdout.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warn: ${message}\n`),
  error: (message, err) =>
    process.stderr.write(`error: ${message}${err === undefined ? '' : `: ${describeError(err)}`}\n`),
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
