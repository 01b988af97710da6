import { readFileSync, existsSync } from 'node:fs';

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

const NOT_RUN_MEDIA_TYPE = 'application/x.golden-path.not-run+json';
const severity = ['UNKNOWN', 'PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

interface Envelope {
  pickle?: { id: string; name: string; uri: string; tags: { name: string }[] };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string };
  testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string; message?: string } };
  testCaseFinished?: { testCaseStartedId: string; willBeRetried: boolean };
  testRunHookFinished?: { result: { status: string; message?: string } };
  attachment?: { testCaseStartedId?: string; mediaType: string; body: string };
}

export function readRunOutcome(messagesPath: string): RunOutcome {
  if (!existsSync(messagesPath)) return { scenarios: [], hookFailures: [`no cucumber messages at ${messagesPath}: the run did not start`] };
  const pickles = new Map<string, { name: string; uri: string; tags: string[] }>();
  const testCases = new Map<string, string>();
  const started = new Map<string, { pickleId: string; status: string; failure: string | undefined; notRunBecause: string | undefined }>();
  const scenarios: ScenarioOutcome[] = [];
  const hookFailures: string[] = [];
  for (const line of readFileSync(messagesPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const envelope = JSON.parse(line) as Envelope;
    if (envelope.pickle) pickles.set(envelope.pickle.id, { name: envelope.pickle.name, uri: envelope.pickle.uri, tags: envelope.pickle.tags.map((tag) => tag.name) });
    if (envelope.testCase) testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted) {
      started.set(envelope.testCaseStarted.id, { pickleId: testCases.get(envelope.testCaseStarted.testCaseId) ?? '', status: 'PASSED', failure: undefined, notRunBecause: undefined });
    }
    if (envelope.attachment?.mediaType === NOT_RUN_MEDIA_TYPE && envelope.attachment.testCaseStartedId !== undefined) {
      const current = started.get(envelope.attachment.testCaseStartedId);
      if (current !== undefined) current.notRunBecause = (JSON.parse(envelope.attachment.body) as { reason: string }).reason;
    }
    if (envelope.testStepFinished) {
      const current = started.get(envelope.testStepFinished.testCaseStartedId);
      const result = envelope.testStepFinished.testStepResult;
      if (current !== undefined && severity.indexOf(result.status) > severity.indexOf(current.status)) {
        current.status = result.status;
        if (result.status === 'FAILED') current.failure = firstMeaningfulLine(result.message);
      }
    }
    if (envelope.testCaseFinished && !envelope.testCaseFinished.willBeRetried) {
      const current = started.get(envelope.testCaseFinished.testCaseStartedId);
      const pickle = pickles.get(current?.pickleId ?? '');
      if (current !== undefined && pickle !== undefined) scenarios.push({ ...pickle, status: current.status, failure: current.failure, notRunBecause: current.notRunBecause });
    }
    if (envelope.testRunHookFinished && envelope.testRunHookFinished.result.status === 'FAILED') {
      hookFailures.push(firstMeaningfulLine(envelope.testRunHookFinished.result.message) ?? 'a BeforeAll/AfterAll hook failed');
    }
  }
  return { scenarios, hookFailures };
}

function firstMeaningfulLine(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at '));
  // Prefer the business-impact line of a GoldenPathViolation (the first "✗").
  return lines.find((line) => line.startsWith('✗')) ?? lines[0];
}

export function totalsLine(outcome: RunOutcome): string {
  const passed = outcome.scenarios.filter((scenario) => scenario.status === 'PASSED').length;
  const skipped = outcome.scenarios.filter((scenario) => scenario.status === 'SKIPPED').length;
  const failed = outcome.scenarios.length - passed - skipped + (outcome.scenarios.length === 0 ? outcome.hookFailures.length : 0);
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}
