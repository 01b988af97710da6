import type { Decorators } from '../decorators';

/**
 * One planted fault as code: the components it wraps (see decorators.ts).
 * Called once per process that plants it, so state it keeps across calls
 * (a counter, a flag) lives in the closure of this call.
 */
export type FaultWrapper = () => Decorators;
