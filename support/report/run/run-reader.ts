import { readFileSync } from 'node:fs';
import { AttachmentContentEncoding, TestStepResultStatus, type Envelope } from '@cucumber/messages';
import { Query } from '@cucumber/query';
import type { RuleVerdicts } from '../../expectations/rule-ledger';
import { RULE_VERDICTS_MEDIA_TYPE } from '../../expectations/rule-ledger';
import { NOT_RUN_MEDIA_TYPE } from '../../target/needs';
import { rulesTagged } from '../feature-catalogue';
import { addMetrics, emptyMetrics, SUCCESS_METRICS_MEDIA_TYPE, type SuccessMetrics } from '../success-metrics';
import { PICTURE_MEDIA_TYPE, PICTURE_TIMING_MEDIA_TYPE } from '../timeline/pictures';
import { summarizeFailure, type FailureSummary } from './failure';

/**
 * One run of the suite as the dashboard reads it, from cucumber's message
 * stream (through @cucumber/query): every scenario with its status, its
 * failure in business terms, the rules it evaluated, its pictures and its
 * share of the success metrics. The same reader serves the formatter that
 * writes reports/index.html at the end of a run and `npm run report`, which
 * reads the messages.ndjson files of earlier runs or shards.
 */
export type ScenarioStatus = 'PASSED' | 'FAILED' | 'SKIPPED' | 'UNDEFINED' | 'PENDING' | 'AMBIGUOUS' | 'UNKNOWN';

export interface ScenarioResult {
  /** Stable from run to run: the feature file, the name, and which of its namesakes (an outline's examples). */
  readonly key: string;
  readonly name: string;
  readonly uri: string;
  readonly line: number | undefined;
  readonly feature: string;
  /** The folder under features/: the capability. */
  readonly capability: string;
  readonly tags: readonly string[];
  /** Rule ids its tags name. */
  readonly tagged: readonly string[];
  /** The scenario or outline it comes from, as `uri:line` (an outline's examples share it). */
  readonly source: string;
  readonly status: ScenarioStatus;
  readonly failure: FailureSummary | undefined;
  readonly verdicts: RuleVerdicts | undefined;
  readonly notRunBecause: string | undefined;
  readonly durationMs: number;
  /** Its pictures (SVG, base64), as attached. */
  readonly pictures: ReadonlyArray<{ readonly fileName: string; readonly base64: string }>;
  readonly metrics: SuccessMetrics | undefined;
  /** How long drawing its pictures took. */
  readonly pictureMs: number;
}

export interface RunRecord {
  readonly startedAt: string | undefined;
  readonly durationMs: number | undefined;
  readonly scenarios: readonly ScenarioResult[];
  /** Failures outside scenarios (BeforeAll/AfterAll hooks). */
  readonly hookFailures: readonly string[];
  readonly metrics: SuccessMetrics;
  readonly cucumber: string | undefined;
  readonly pictureMs: number;
  readonly pictureBytes: number;
}

const timestampMs = (timestamp: { seconds: number; nanos: number }): number => timestamp.seconds * 1000 + timestamp.nanos / 1e6;
const durationMs = (duration: { seconds: number; nanos: number } | undefined): number => (duration === undefined ? 0 : Math.round(timestampMs(duration)));

/** Feeds envelopes in stream order; `record()` reads the run so far. */
export class RunReader {
  private readonly query = new Query();

  update(envelope: Envelope): void {
    this.query.update(envelope);
  }

  record(): RunRecord {
    const query = this.query;
    const scenarios: Array<Omit<ScenarioResult, 'key'>> = [];
    let pictureMs = 0;
    let pictureBytes = 0;
    for (const finished of query.findAllTestCaseFinished()) {
      if (finished.willBeRetried) continue;
      const started = query.findTestCaseStartedBy(finished);
      const pickle = started === undefined ? undefined : query.findPickleBy(started);
      if (started === undefined || pickle === undefined) continue;
      const lineage = query.findLineageBy(pickle);
      const attachments = query.findTestStepFinishedAndTestStepBy(started).flatMap(([stepFinished]) => query.findAttachmentsBy(stepFinished));
      const json = <T>(mediaType: string): T | undefined => {
        const found = attachments.find((attachment) => attachment.mediaType === mediaType);
        return found === undefined ? undefined : (JSON.parse(found.body) as T);
      };
      const result = query.findMostSevereTestStepResultBy(finished);
      const timing = json<{ ms: number; bytes: number }>(PICTURE_TIMING_MEDIA_TYPE);
      pictureMs += timing?.ms ?? 0;
      pictureBytes += timing?.bytes ?? 0;
      const failed = query.findTestStepsFinishedBy(started).find((step) => step.testStepResult.status === TestStepResultStatus.FAILED);
      const uri = pickle.uri;
      scenarios.push({
        name: pickle.name,
        uri,
        line: query.findLocationOf(pickle)?.line,
        feature: lineage?.feature?.name ?? uri,
        capability: uri.split('/').at(-2) ?? '',
        tags: pickle.tags.map((tag) => tag.name),
        tagged: rulesTagged(pickle.tags),
        source: `${uri}:${String(lineage?.scenario?.location.line ?? pickle.id)}`,
        status: result?.status ?? TestStepResultStatus.UNKNOWN,
        failure: summarizeFailure(failed?.testStepResult.message ?? failed?.testStepResult.exception?.message),
        verdicts: json<RuleVerdicts>(RULE_VERDICTS_MEDIA_TYPE),
        notRunBecause: json<{ reason: string }>(NOT_RUN_MEDIA_TYPE)?.reason,
        durationMs: durationMs(query.findTestCaseDurationBy(finished)),
        pictures: attachments
          .filter((attachment) => attachment.mediaType === PICTURE_MEDIA_TYPE)
          .map((attachment) => ({
            fileName: attachment.fileName ?? 'picture',
            base64: attachment.contentEncoding === AttachmentContentEncoding.BASE64 ? attachment.body : Buffer.from(attachment.body, 'utf8').toString('base64'),
          })),
        metrics: json<SuccessMetrics>(SUCCESS_METRICS_MEDIA_TYPE),
        pictureMs: timing?.ms ?? 0,
      });
    }
    const started = query.findTestRunStarted();
    const hookFailures = query.findAllTestRunHookFinished()
      .filter((hook) => hook.result.status === TestStepResultStatus.FAILED)
      .map((hook) => summarizeFailure(hook.result.message)?.firstLine ?? 'a BeforeAll/AfterAll hook failed');
    return {
      startedAt: started === undefined ? undefined : new Date(timestampMs(started.timestamp)).toISOString(),
      durationMs: query.findTestRunDuration() === undefined ? undefined : durationMs(query.findTestRunDuration()),
      scenarios: withKeys(scenarios),
      hookFailures,
      metrics: scenarios.reduce((total, scenario) => (scenario.metrics === undefined ? total : addMetrics(total, scenario.metrics)), emptyMetrics()),
      cucumber: query.findMeta()?.implementation.version,
      pictureMs,
      pictureBytes,
    };
  }
}

/** Each scenario's key: uri, name, and its place among namesakes of the same file (an outline's examples). */
function withKeys(scenarios: ReadonlyArray<Omit<ScenarioResult, 'key'>>): ScenarioResult[] {
  const sorted = [...scenarios].sort((a, b) => a.uri.localeCompare(b.uri) || (a.line ?? 0) - (b.line ?? 0));
  const seen = new Map<string, number>();
  return sorted.map((scenario) => {
    const base = `${scenario.uri}|${scenario.name}`;
    const index = seen.get(base) ?? 0;
    seen.set(base, index + 1);
    return { ...scenario, key: index === 0 ? base : `${base}|#${index + 1}` };
  });
}

/** A run from a messages.ndjson file. */
export function readRunFile(path: string): RunRecord {
  const reader = new RunReader();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() !== '') reader.update(JSON.parse(line) as Envelope);
  }
  return reader.record();
}
