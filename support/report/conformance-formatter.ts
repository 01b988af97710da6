import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type { Envelope } from '@cucumber/messages';
import { RULE_VERDICTS_MEDIA_TYPE, type RuleVerdicts } from '../expectations/rule-ledger';
import { NOT_RUN_MEDIA_TYPE } from '../target/needs';
import { backendUnderTest, latestFaultEvidence, selectionTags } from './backend-under-test';
import { conformanceOf, conformanceTable, type ScenarioRecord } from './conformance';
import { allPickles, rulesTagged } from './feature-catalogue';

/**
 * Writes the run's conformance verdict (one entry per protocol rule) to the
 * formatter's output file, reports/conformance.json, and prints its table.
 * Runs in cucumber's coordinator process, so it sees every scenario of every
 * parallel worker.
 */
const SEVERITY = ['UNKNOWN', 'PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

export default class ConformanceFormatter extends Formatter {
  private readonly pickles = new Map<string, { name: string; uri: string; tagged: string[]; source: string }>();
  private readonly testCases = new Map<string, string>();
  private readonly started = new Map<string, { pickleId: string; status: string; verdicts: RuleVerdicts | undefined; notRunBecause?: string }>();
  private readonly completed: ScenarioRecord[] = [];

  constructor(options: IFormatterOptions) {
    super(options);
    options.eventBroadcaster.on('envelope', (envelope: Envelope) => this.take(envelope));
  }

  private take(envelope: Envelope): void {
    if (envelope.pickle) {
      const { id, name, uri, tags, astNodeIds } = envelope.pickle;
      this.pickles.set(id, { name, uri, tagged: rulesTagged(tags), source: `${uri}#${astNodeIds[0] ?? id}` });
    }
    if (envelope.testCase) this.testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted) this.started.set(envelope.testCaseStarted.id, { pickleId: this.testCases.get(envelope.testCaseStarted.testCaseId) ?? '', status: 'PASSED', verdicts: undefined });
    if (envelope.testStepFinished) {
      const current = this.started.get(envelope.testStepFinished.testCaseStartedId);
      const status = envelope.testStepFinished.testStepResult.status;
      if (current !== undefined && SEVERITY.indexOf(status) > SEVERITY.indexOf(current.status)) current.status = status;
    }
    const attachment = envelope.attachment;
    if (attachment?.mediaType === RULE_VERDICTS_MEDIA_TYPE && attachment.testCaseStartedId !== undefined) {
      const current = this.started.get(attachment.testCaseStartedId);
      if (current !== undefined) current.verdicts = JSON.parse(attachment.body) as RuleVerdicts;
    }
    if (attachment?.mediaType === NOT_RUN_MEDIA_TYPE && attachment.testCaseStartedId !== undefined) {
      const current = this.started.get(attachment.testCaseStartedId);
      if (current !== undefined) current.notRunBecause = (JSON.parse(attachment.body) as { reason: string }).reason;
    }
    if (envelope.testCaseFinished && !envelope.testCaseFinished.willBeRetried) {
      const current = this.started.get(envelope.testCaseFinished.testCaseStartedId);
      const pickle = this.pickles.get(current?.pickleId ?? '');
      if (current !== undefined && pickle !== undefined) {
        this.completed.push({ ...pickle, status: current.status as ScenarioRecord['status'], verdicts: current.verdicts, ...(current.notRunBecause === undefined ? {} : { notRunBecause: current.notRunBecause }) });
      }
    }
    if (envelope.testRunFinished !== undefined) this.finish();
  }

  private finish(): void {
    const conformance = conformanceOf({
      catalogue: allPickles().map((pickle) => ({ name: pickle.name, tagged: rulesTagged(pickle.tags) })),
      ran: this.completed,
      backend: backendUnderTest(),
      tags: selectionTags(),
      faults: latestFaultEvidence(),
    });
    process.stderr.write(`\n${conformanceTable(conformance, `${process.env.GOLDEN_PATH_REPORT_DIR ?? 'reports'}/conformance.json`)}\n${notRunSummary(this.completed)}`);
    this.log(`${JSON.stringify(conformance, null, 2)}\n`);
  }
}

/** The scenarios that did not run because of an unmet need, by reason (README, "Running against staging"). */
function notRunSummary(scenarios: readonly ScenarioRecord[]): string {
  const byReason = new Map<string, number>();
  for (const scenario of scenarios) if (scenario.notRunBecause !== undefined) byReason.set(scenario.notRunBecause, (byReason.get(scenario.notRunBecause) ?? 0) + 1);
  if (byReason.size === 0) return '';
  const ran = scenarios.filter((scenario) => scenario.notRunBecause === undefined).length;
  return `  ${ran} of ${scenarios.length} selected scenarios ran; not run:\n${[...byReason].map(([reason, count]) => `    ${count} × ${reason}`).join('\n')}\n`;
}
