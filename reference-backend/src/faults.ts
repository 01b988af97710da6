/**
 * Planted faults: deliberate, named deviations from the protocol that the
 * specification suite must detect. The clean backend runs with none of them.
 * Code checks `faults.has('name')` at exactly the spot the fault lives.
 */
export type FaultArea = 'agent_events' | 'idempotency' | 'history';

export interface FaultDefinition {
  readonly name: string;
  readonly area: FaultArea;
  readonly description: string;
}

export const FAULT_CATALOGUE = [
  { name: 'no_thinking', area: 'agent_events', description: 'Runs emit no agent_thinking event at all.' },
  {
    name: 'unpaired_tool',
    area: 'agent_events',
    description: 'The last tool_executing of a run never gets its tool_completed.',
  },
  {
    name: 'completed_before_tool',
    area: 'agent_events',
    description: 'agent_completed is emitted before the last tool_completed, which follows it.',
  },
  {
    name: 'seq_gap',
    area: 'agent_events',
    description: 'seq skips one number after the first tool event of a run (1,2,3,5,...).',
  },
  {
    name: 'wrong_run_id',
    area: 'agent_events',
    description: 'The first agent_thinking of each run carries a different, random run_id.',
  },
  {
    name: 'empty_recommendations',
    area: 'agent_events',
    description: 'A successful run completes with result.recommendations = [].',
  },
  {
    name: 'lost_assistant_message',
    area: 'history',
    description: "The assistant answer of a successful run is not stored in the thread's history.",
  },
  {
    name: 'duplicate_run_on_retry',
    area: 'idempotency',
    description: 'A re-sent client_message_id is treated as new: new ids, a second user message and a second run.',
  },
  {
    name: 'started_twice',
    area: 'agent_events',
    description: 'agent_started is emitted twice (seq 1 and again later with its own seq).',
  },
] as const satisfies readonly FaultDefinition[];

export type FaultName = (typeof FAULT_CATALOGUE)[number]['name'];

const FAULT_NAMES: ReadonlySet<string> = new Set(FAULT_CATALOGUE.map((f) => f.name));

export function isFaultName(name: string): name is FaultName {
  return FAULT_NAMES.has(name);
}

/** The set of faults active in this process. Immutable after startup. */
export class Faults {
  private readonly active: ReadonlySet<FaultName>;

  constructor(names: Iterable<FaultName> = []) {
    this.active = new Set(names);
  }

  static none(): Faults {
    return new Faults();
  }

  has(name: FaultName): boolean {
    return this.active.has(name);
  }

  list(): FaultName[] {
    return [...this.active];
  }
}

export class UnknownFaultError extends Error {
  constructor(readonly faultName: string) {
    super(`unknown fault "${faultName}" (known: ${[...FAULT_NAMES].join(', ')})`);
    this.name = 'UnknownFaultError';
  }
}

/** Parse fault names given as repeated or comma-separated values. */
export function parseFaultNames(values: readonly string[]): FaultName[] {
  const names: FaultName[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      if (!isFaultName(name)) throw new UnknownFaultError(name);
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}
