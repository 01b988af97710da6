import { parseFaultNames, type FaultName } from './faults/catalogue';

export interface CliOptions {
  readonly listFaults: boolean;
  readonly faults: FaultName[];
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/**
 * Command line: `--fault=NAME` (repeatable, or comma-separated; `--fault NAME`
 * works too) and `--list-faults`. Anything else is a usage error.
 */
export function parseCommandLine(argv: readonly string[]): CliOptions {
  const faultValues: string[] = [];
  let listFaults = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--list-faults') {
      listFaults = true;
    } else if (arg.startsWith('--fault=')) {
      faultValues.push(arg.slice('--fault='.length));
    } else if (arg === '--fault') {
      const value = argv[i + 1];
      if (value === undefined) throw new CliUsageError('--fault needs a fault name');
      faultValues.push(value);
      i += 1;
    } else {
      throw new CliUsageError(`unknown argument "${arg}"`);
    }
  }
  return { listFaults, faults: parseFaultNames(faultValues) };
}
