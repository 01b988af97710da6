import { parseCommandLine, CliUsageError } from './cli';
import { CONFIG_ERROR_EXIT_CODE, ConfigError, loadConfig } from './config';
import { FAULT_CATALOGUE, Faults, UnknownFaultError } from './faults';
import { consoleLogger, describeError, guardOutputStreams } from './logger';
import type { startServer as StartServer } from './app';

const USAGE_EXIT_CODE = 2;

/**
 * Entry point: command line, then configuration (fail fast, before
 * listening), then the server. SIGTERM/SIGINT shut down gracefully.
 */
async function main(): Promise<void> {
  let options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliUsageError || err instanceof UnknownFaultError) {
      process.stderr.write(`${err.message}\nusage: main.ts [--fault=NAME[,NAME...]]... [--list-faults]\n`);
      process.exit(USAGE_EXIT_CODE);
    }
    throw err;
  }
  if (options.listFaults) {
    process.stdout.write(`${JSON.stringify(FAULT_CATALOGUE.map(({ name, area, description }) => ({ name, area, description })))}\n`);
    return;
  }

  const faults = new Faults(options.faults);
  let config;
  try {
    config = loadConfig(process.env, faults);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.lines()) process.stderr.write(`${line}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    throw err;
  }

  const logger = consoleLogger;
  guardOutputStreams();
  // Never die on a stray error: a crash would drop every WebSocket without a close frame.
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', reason));
  process.on('uncaughtException', (err) => logger.error('uncaught exception', err));

  // Loaded only once the configuration is known to be good: a refusal to start stays fast.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startServer } = require('./app') as { startServer: typeof StartServer };
  const server = await startServer(config, faults, logger);
  const faultNote = faults.list().length > 0 ? ` with planted faults: ${faults.list().join(', ')}` : '';
  logger.info(`golden-path reference backend listening on ${server.url} (instance ${config.instanceId})${faultNote}`);

  const stop = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGTERM' && faults.has('sigterm_drops_sockets')) process.exit(0);
    logger.warn(`${signal} received: shutting down`);
    server.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${describeError(err)}\n`);
  process.exit(1);
});
