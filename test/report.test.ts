import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { AttachmentsInView } from '../support/report/cucumber-html';
import { appendRun, emptyHistory, trendOf } from '../support/report/dashboard/history';
import { columnOf, failuresOf, type RunPart } from '../support/report/dashboard/model';
import type { RunRecord, ScenarioResult } from '../support/report/run/run-reader';
import { summarizeFailure } from '../support/report/run/failure';
import { emptyMetrics, metricRows, metricsReport, targetsMet } from '../support/report/success-metrics';
import { timelineModel, type ObservedConnection, type TimelineInput } from '../support/report/timeline/model';
import { dependencyWindows } from '../support/report/timeline/observe';
import { ChartTemplate } from '../support/report/charts/render';
import { renderTimeline, timelineDrawing, TIMELINE_SPEC } from '../support/report/timeline/timeline-chart';

// --- success metrics: no data is never "met" ----------------------------------------------------

void test('a run that connected nothing and watched no run has no data for any metric, and its targets are not met', () => {
  const rows = metricRows(emptyMetrics());
  assert.deepEqual(rows.map((row) => row.state), ['no_data', 'no_data', 'no_data', 'no_data', 'no_data']);
  assert.equal(targetsMet(rows), null);
  const report = metricsReport(emptyMetrics());
  assert.ok(!report.text.includes('✓'), `the console must not tick a metric with no data:\n${report.text}`);
  assert.match(report.text, /– WebSocket 1011 closes\s+no data/);
});

void test('one 1011 among established connections misses the target; runs and connections measured meet theirs', () => {
  const rows = metricRows({ ...emptyMetrics(), connectionsAttempted: 10, connectionsEstablished: 10, closed1011: 1, runsComplete: 3 });
  assert.deepEqual(Object.fromEntries(rows.map((row) => [row.name, row.state])), {
    'WebSocket 1011 closes': 'missed',
    'abnormal closes (1006, no close frame)': 'met',
    'chat sessions established': 'met',
    'agent runs with all five events, every rule': 'met',
    'messages during a fault answered (run or explicit error)': 'no_data',
  });
  assert.equal(targetsMet(rows), false);
});

// --- the timeline's model ----------------------------------------------------------------------

const frame = (at: number, type: string, runId?: string, status?: string): ObservedConnection['received'][number] => ({ at, type, ...(runId === undefined ? {} : { runId }), ...(status === undefined ? {} : { status }) });

function tab(label: string, owner: string, at: number, options: { inCrowd?: boolean; quietMs?: number; close?: number } = {}): ObservedConnection {
  const quiet = options.quietMs ?? 0;
  return {
    label, owner, inCrowd: options.inCrowd === true, connectStartedAt: at, openedAt: at + 5,
    sent: [{ at: at + 10, type: 'user_message' }],
    received: [
      frame(at + 6, 'connection_established'),
      frame(at + 20, 'message_accepted', `run-${label}`),
      frame(at + 30, 'agent_started', `run-${label}`),
      frame(at + 40 + quiet, 'agent_thinking', `run-${label}`),
      frame(at + 50 + quiet, 'tool_executing', `run-${label}`),
      frame(at + 60 + quiet, 'tool_completed', `run-${label}`),
      frame(at + 70 + quiet, 'agent_completed', `run-${label}`, 'success'),
    ],
    close: { at: at + 100 + quiet, code: 1000, reason: '' },
  };
}

const input = (connections: ObservedConnection[], extra: Partial<TimelineInput> = {}): TimelineInput => ({
  origin: 0, endAt: 10_000, connections, refusals: [], windows: [], quietThresholdMs: 2_000, maxGapMs: 15_000, ...extra,
});

void test('each connection is a lane with its frames, its run as a bar from message_accepted to agent_completed, and its close code', () => {
  const model = timelineModel(input([tab('Alice/tab-1', 'Alice', 1_000), tab('Alice/tab-2', 'Alice', 2_000)]));
  assert.deepEqual(model.lanes.map((lane) => lane.name), ['Alice/tab-1', 'Alice/tab-2']);
  assert.equal(model.frames.length, 16);
  assert.deepEqual(model.runs.map((run) => [run.lane, run.from, run.to, run.outcome]), [['Alice/tab-1', 1.02, 1.07, 'run completed'], ['Alice/tab-2', 2.02, 2.07, 'run completed']]);
  assert.deepEqual(model.closes.map((close) => [close.lane, close.code, close.label]), [['Alice/tab-1', '1000', '1000'], ['Alice/tab-2', '1000', '1000']]);
  assert.equal(model.gaps.length, 0);
});

void test('a quiet gap inside a run above the threshold is labelled, and one above the protocol\'s maximum breaks it', () => {
  const model = timelineModel(input([tab('Alice/tab-1', 'Alice', 1_000, { quietMs: 7_000 }), tab('Bob/tab-1', 'Bob', 1_000, { quietMs: 16_000 })]));
  assert.deepEqual(model.gaps.map((gap) => [gap.lane, gap.label, gap.breaksProtocol]), [['Alice/tab-1', '7.0 s quiet', false], ['Bob/tab-1', '16.0 s quiet', true]]);
});

void test('a crowd is one summarised lane, and so is a user with more tabs than a lane each', () => {
  const crowd = Array.from({ length: 200 }, (_, index) => tab(`Guest${index + 1}/tab-1`, `Guest${index + 1}`, 1_000 + index, { inCrowd: true }));
  const churn = Array.from({ length: 20 }, (_, index) => tab(`Alice/tab-${index + 1}`, 'Alice', 500 + 10 * index));
  const model = timelineModel(input([...crowd, ...churn, tab('Bob/tab-1', 'Bob', 900)], { refusals: [{ label: 'Guest7/tab-2', owner: 'Guest7', inCrowd: true, at: 1_500, what: 'HTTP 503' }] }));
  assert.deepEqual(model.lanes.map((lane) => [lane.name, lane.kind]), [['Alice: 20 tabs', 'summary'], ['Bob/tab-1', 'connection'], ['200 × Guest: 200 tabs, 1 refused', 'summary']]);
  assert.ok(model.frameBins.length > 0 && model.frameBins.length < 800, `the crowd's 1,600 frames are binned (${model.frameBins.length} bins)`);
  assert.equal(model.frames.filter((item) => item.lane === 'Bob/tab-1').length, 8);
  const crowdCloses = model.closes.filter((close) => close.lane.startsWith('200 ×'));
  assert.deepEqual(crowdCloses.filter((close) => close.label !== '').map((close) => close.label), ['1000 ×200'], 'a summarised lane labels each close code once, with its total');
  assert.deepEqual(model.refusals.map((refusal) => [refusal.lane, refusal.label]), [['200 × Guest: 200 tabs, 1 refused', 'HTTP 503']]);
});

void test('dependency changes become fault windows: a cut until its restore, a cache outage to the end', () => {
  const windows = dependencyWindows([
    { dependency: 'postgres', change: 'cut', at: 100 },
    { dependency: 'redis', change: 'cut', at: 150 },
    { dependency: 'postgres', change: 'restored', at: 900 },
    { dependency: 'postgres', change: 'slowed', at: 1_000 },
    { dependency: 'postgres', change: 'restored', at: 1_200 },
  ]);
  assert.deepEqual(windows, [
    { kind: 'database cut', from: 100, to: 900 },
    { kind: 'database slow', from: 1_000, to: 1_200 },
    { kind: 'cache down', from: 150 },
  ]);
});

void test('the timeline renders to SVG with Vega, the same compiled chart serving scenario after scenario', async () => {
  const first = await renderTimeline(timelineModel(input([tab('Alice/tab-1', 'Alice', 1_000, { quietMs: 7_000 })], { windows: [{ kind: 'database cut', from: 1_500, to: 4_000 }] })), 'First scenario');
  const second = await renderTimeline(timelineModel(input([tab('Bob/tab-1', 'Bob', 1_000), tab('Carol/tab-1', 'Carol', 1_200)])), 'Second scenario');
  for (const svg of [first, second]) assert.match(svg, /^<\?xml[^]*<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(first.includes('Alice/tab-1') && first.includes('7.0 s quiet') && first.includes('database cut') && first.includes('First scenario'));
  assert.ok(second.includes('Carol/tab-1') && second.includes('Second scenario') && !second.includes('Alice/tab-1') && !second.includes('database cut'));
  assert.ok(first.length < 60_000, `a one-tab timeline stays small (${first.length} bytes)`);
});

void test('a timeline drawn after a wider one is laid out on its own, exactly as if drawn first', async () => {
  const wide = timelineModel(input(Array.from({ length: 60 }, (_, index) => tab(`Member${index + 1}/tab-1`, `Member${index + 1}`, 1_000 + index, { inCrowd: true })).concat([tab('Somebody-with-a-long-name/tab-12@second', 'Somebody', 900)])));
  const narrow = timelineModel(input([tab('A/tab-1', 'A', 1_000)]));
  const shared = new ChartTemplate(TIMELINE_SPEC);
  for (const [model, title] of [[narrow, 'x'], [wide, 'A much longer title than the first one, with many words in it'], [narrow, 'x'], [wide, 'y']] as const) {
    const { data, params } = timelineDrawing(model, title);
    assert.equal(await shared.render(data, params), await new ChartTemplate(TIMELINE_SPEC).render(data, params));
  }
});

// --- failures, history, columns ----------------------------------------------------------------

void test('a judgement\'s failure message is read as its headline and each broken rule with its business impact', () => {
  const summary = summarizeFailure("AssertionError: Alice's run abc broke the event rules (10 events)\n  ✗ [GP-5.4, protocol MUST] Alice saw no agent_thinking\n  ✗ [TGT-reply, profile target, not a protocol rule] a pong took 3 s\n    at judge (x.ts:1:1)");
  assert.equal(summary?.headline, "Alice's run abc broke the event rules (10 events)");
  assert.deepEqual(summary?.violations.map((violation) => [violation.rule, violation.kind, violation.message]), [['GP-5.4', 'protocol', 'Alice saw no agent_thinking'], ['TGT-reply', 'target', 'a pong took 3 s']]);
  assert.ok((summary?.violations[0]?.impact ?? '').length > 10);
});

const scenario = (name: string, status: ScenarioResult['status'], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  key: `features/agent_events/x.feature|${name}`, name, uri: 'features/agent_events/x.feature', line: 1, feature: 'X', capability: 'agent_events', tags: ['@GP-5.4'], tagged: ['GP-5.4'],
  source: `x:${name}`, status, failure: undefined, verdicts: { evaluated: ['GP-5.4'], violated: status === 'FAILED' ? ['GP-5.4'] : [] }, notRunBecause: undefined, durationMs: 10, pictures: [], metrics: undefined, pictureMs: 0, ...extra,
});
const run = (scenarios: ScenarioResult[], startedAt: string): RunRecord => ({ startedAt, durationMs: 1_000, scenarios, hookFailures: [], metrics: { ...emptyMetrics(), runsComplete: 1 }, cucumber: '12', pictureMs: 0, pictureBytes: 0 });

void test('the trend marks a scenario failing after a pass as newly failing, and one that passes and fails by turns as flaky', () => {
  let history = emptyHistory();
  const statuses: Array<[ScenarioResult['status'], ScenarioResult['status']]> = [['PASSED', 'PASSED'], ['PASSED', 'FAILED'], ['PASSED', 'PASSED'], ['FAILED', 'FAILED']];
  statuses.forEach(([steady, flaky], index) => {
    history = appendRun(history, { at: `2026-12-0${index + 1}T10:00:00Z`, backend: 'reference', tags: null, durationMs: 1, scenarios: [scenario('steady', steady), scenario('flaky', flaky)] });
  });
  const trend = trendOf(history);
  assert.deepEqual(trend.newlyFailing.map((item) => [item.name, item.since]), [['steady', 'passed before']]);
  assert.deepEqual(trend.flaky.map((item) => [item.name, item.sequence]), [['flaky', 'PFPF']]);
  const other = trendOf(appendRun(history, { at: '2026-12-09T10:00:00Z', backend: 'another backend', tags: null, durationMs: 1, scenarios: [scenario('steady', 'FAILED')] }));
  assert.deepEqual(other.newlyFailing.map((item) => item.since), ['new scenario'], 'runs of another backend are not compared');
});

void test('shards of one run merge into one column: their scenarios, metrics and one conformance verdict', () => {
  const parts: RunPart[] = [
    { run: run([scenario('a', 'PASSED')], '2026-12-02T10:00:00.000Z'), cucumberHtml: 'shard-1/cucumber.html', from: 'shard-1' },
    { run: run([scenario('b', 'FAILED', { failure: summarizeFailure('x\n  ✗ [GP-5.4, protocol MUST] no thinking') })], '2026-12-02T10:00:00.500Z'), cucumberHtml: 'shard-2/cucumber.html', from: 'shard-2' },
  ];
  const column = columnOf(parts, { description: 'the reference backend', version: null, faults: [] }, { faults: [{ name: 'no_thinking', rules: ['GP-5.4'], caught: true, proves: ['GP-5.4'] }], tags: null, catalogue: [{ name: 'a', tagged: ['GP-5.4'] }, { name: 'b', tagged: ['GP-5.4'] }] });
  assert.deepEqual(column.totals, { scenarios: 2, passed: 1, failed: 1, notRun: 0 });
  assert.equal(column.metrics.runsComplete, 2);
  assert.equal(column.durationMs, 1_500);
  const rule = column.conformance.rules.find((candidate) => candidate.id === 'GP-5.4');
  assert.equal(rule?.verdict, 'fail');
  assert.deepEqual(rule?.faultsCaught, ['no_thinking']);
  assert.equal(column.capabilities.find((capability) => capability.id === 'agent_events')?.verdict, 'fail');
  assert.deepEqual(failuresOf(column).map((failure) => [failure.name, failure.cucumberHtml]), [['b', 'shard-2/cucumber.html']]);
});

void test('cucumber.html shows a scenario\'s pictures and transcript under its failed step, not in the folded-away hook', () => {
  const view = new AttachmentsInView();
  const envelopes: Envelope[] = [
    { testCase: { id: 'tc', pickleId: 'p', testRunStartedId: 'r', testSteps: [{ id: 'before', hookId: 'h1' }, { id: 's1', pickleStepId: 'ps1' }, { id: 's2', pickleStepId: 'ps2' }, { id: 's3', pickleStepId: 'ps3' }, { id: 'after', hookId: 'h2' }] } },
    { testCaseStarted: { id: 'tcs', testCaseId: 'tc', attempt: 0, timestamp: { seconds: 0, nanos: 0 } } },
    { testStepFinished: { testCaseStartedId: 'tcs', testStepId: 's2', testStepResult: { status: 'FAILED', duration: { seconds: 0, nanos: 0 } }, timestamp: { seconds: 0, nanos: 0 } } },
  ] as unknown as Envelope[];
  for (const envelope of envelopes) view.take(envelope);
  const attach = (mediaType: string): Envelope => ({ attachment: { testCaseStartedId: 'tcs', testStepId: 'after', mediaType, body: 'x', contentEncoding: 'IDENTITY' } }) as unknown as Envelope;
  assert.equal(view.take(attach('image/svg+xml')).attachment?.testStepId, 's2');
  assert.equal(view.take(attach('text/plain')).attachment?.testStepId, 's2');
  assert.equal(view.take(attach('application/x.golden-path.rule-verdicts+json')).attachment?.testStepId, 'after', 'machine-readable attachments stay on the hook');
});
