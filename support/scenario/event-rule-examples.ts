import type { GoldenPathWorld } from '../world';
import { reviewRun, type EventRule } from '../oracle/event-rules';
import { EXAMPLE_RUN, parseEventStream } from '../oracle/stream-notation';
import { failIfAny } from '../expectations/violation-error';

/** The example stream a @unit scenario is judging (kept on the world). */
export interface ExampleRun {
  stream: string;
  asksForAnalysis: boolean;
}

export function exampleRun(world: GoldenPathWorld, stream: string, asksForAnalysis: boolean): void {
  world.example = { stream, asksForAnalysis };
}

function verdicts(world: GoldenPathWorld): Array<{ rule: EventRule; message: string }> {
  if (world.example === undefined) throw new Error('no example stream: a step must give one first');
  return reviewRun({ who: 'Alice', ...EXAMPLE_RUN, events: parseEventStream(world.example.stream), asksForAnalysis: world.example.asksForAnalysis });
}

export function followsEveryRule(world: GoldenPathWorld): void {
  failIfAny('the oracle rejected a well-formed run', verdicts(world).map((violation) => `${violation.rule}: ${violation.message}`));
}

export function breaksRule(world: GoldenPathWorld, rule: string): void {
  const found = verdicts(world);
  const matching = found.filter((violation) => violation.rule === rule);
  if (matching.length === 0) {
    const seen = found.length === 0 ? 'it found nothing wrong' : `it reported only: ${found.map((violation) => violation.rule).join('; ')}`;
    throw new Error(`the oracle did not flag the rule "${rule}" (${seen}): a backend breaking it would pass the gate, and users would meet the bug in production`);
  }
  world.log(matching.map((violation) => violation.message).join('\n'));
}
