import { existsSync } from 'node:fs';
import { readRunFile } from '../../support/report/run/run-reader';

/** One scenario's outcome, read back from cucumber's message stream. */
export interface ScenarioOutcome {
  readonly name: string;
  readonly uri: string;
  readonly status: string;
  /** The first line of the first failure, when it failed. */
  readonly failure: string | undefined;
  readonly tags: readonly string[];
  /** Why it did not run, when the target could not meet a need of it (support/target/needs.ts). */
  readonly notRunBecause: string | undefined;
}

export interface RunOutcome {
  readonly scenarios: ScenarioOutcome[];
  /** Failures outside scenarios (BeforeAll/AfterAll hooks). */
  readonly hookFailures: string[];
}

/** A run's outcome, read from its message stream through @cucumber/query (support/report/run/run-reader.ts). */
export function readRunOutcome(messagesPath: string): RunOutcome {
  if (!existsSync(messagesPath)) return { scenarios: [], hookFailures: [`no cucumber messages at ${messagesPath}: the run did not start`] };
  const run = readRunFile(messagesPath);
  return {
    scenarios: run.scenarios.map((scenario) => ({
      name: scenario.name,
      uri: scenario.uri,
      status: scenario.status,
      failure: scenario.status === 'FAILED' ? scenario.failure?.firstLine : undefined,
      tags: scenario.tags,
      notRunBecause: scenario.notRunBecause,
    })),
    hookFailures: [...run.hookFailures],
  };
}

export function totalsLine(outcome: RunOutcome): string {
  const passed = outcome.scenarios.filter((scenario) => scenario.status === 'PASSED').length;
  const skipped = outcome.scenarios.filter((scenario) => scenario.status === 'SKIPPED').length;
  const failed = outcome.scenarios.length - passed - skipped + (outcome.scenarios.length === 0 ? outcome.hookFailures.length : 0);
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}
