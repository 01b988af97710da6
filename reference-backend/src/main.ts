import { parseCommandLine, CliUsageError } from './cli';
import { CONFIG_ERROR_EXIT_CODE, ConfigError, loadConfig } from './config';
import { decorate, NO_DECORATORS, type Decorators } from './decorators';
import { FAULTS, UnknownFaultError, type FaultName } from './faults/catalogue';
import { consoleLogger, crashOn, describeError, guardOutputStreams } from './logger';
import type { StartServer } from './app';

const USAGE_EXIT_CODE = 2;

/** The planted faults' decorators; their modules are loaded only when a fault is planted. */
function plantedFaults(names: readonly FaultName[]): Decorators {
  if (names.length === 0) return NO_DECORATORS;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { plantFaults } = require('./faults') as typeof import('./faults');
  return plantFaults(names);
}

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
    const listed = FAULTS.map(({ name, area, description, rules, expect }) => ({ name, area, description, rules, ...(expect === undefined ? {} : { expect }) }));
    process.stdout.write(`${JSON.stringify(listed)}\n`);
    return;
  }

  const decorators = plantedFaults(options.faults);
  let config;
  try {
    config = decorate(decorators.loadConfig, loadConfig, {})(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.lines()) process.stderr.write(`${line}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    throw err;
  }

  const logger = consoleLogger;
  guardOutputStreams();
  process.on('unhandledRejection', crashOn('unhandled rejection', logger));
  process.on('uncaughtException', crashOn('uncaught exception', logger));

  // Loaded only once the configuration is known to be good: a refusal to start stays fast.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startServer } = require('./app') as { startServer: StartServer };
  const server = await decorate(decorators.startServer, startServer, {})(config, logger, decorators);
  const faultNote = options.faults.length > 0 ? ` with planted faults: ${options.faults.join(', ')}` : '';
  logger.info(`golden-path reference backend listening on ${server.url} (instance ${config.instanceId})${faultNote}`);

  const stop = (signal: NodeJS.Signals): void => {
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
