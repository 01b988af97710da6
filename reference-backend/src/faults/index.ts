import { composeDecorators, type Decorators } from '../decorators';
import type { FaultName } from './catalogue';
import { FAULT_WRAPPERS } from './wrappers';

/**
 * The planted faults as one set of decorators for the composition root
 * (main.ts hands them to loadConfig and startServer), in the order named.
 */
export function plantFaults(names: readonly FaultName[]): Decorators {
  return composeDecorators(names.map((name) => FAULT_WRAPPERS[name]()));
}
