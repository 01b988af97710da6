import type { RuleVerdict, Verdict } from '../conformance';
import type { MetricState } from '../success-metrics';
import type { Trend } from './history';
import { failuresOf, type CapabilityVerdict, type Column, type ColumnScenario } from './model';

/**
 * The dashboard, reports/index.html: one self-contained file (inline CSS,
 * pictures as data: URIs, no script or font from the network), readable from
 * file://. Failures first, with their business impact and rule ids linked to
 * the conformance matrix and to their pictures; then the scorecard (the
 * seed plan's success metrics against their targets, each capability's
 * verdict, totals), the conformance matrix (every rule, its verdict per
 * backend, the scenarios and planted faults behind it), and the trend of
 * the last runs.
 */
export interface DashboardInput {
  readonly columns: readonly Column[];
  readonly trend: Trend;
  readonly charts: { readonly capabilities: string; readonly verdicts: string; readonly trend?: string; readonly failureHistory?: string };
  readonly generatedAt: string;
  /** Where the planted-fault evidence came from, when a verify-suite report was found. */
  readonly faultEvidence: { readonly path: string; readonly faults: number; readonly at: string } | undefined;
  /** The history file, relative to the dashboard. */
  readonly historyFile: string | undefined;
}

/** Failing scenarios whose picture is shown inline on the dashboard (the others link to cucumber.html). */
const INLINE_PICTURES = 12;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const svgImage = (svg: string, alt: string, id?: string): string =>
  `<img class="chart" ${id === undefined ? '' : `id="${id}" `}alt="${escape(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
/**
 * The scenario in cucumber.html: the report's search given every tag of the
 * scenario as a tag expression, which narrows it to that scenario (its text
 * search matches any word); a failing one with the passed scenarios hidden.
 */
export function cucumberHtmlLink(scenario: { readonly cucumberHtml: string; readonly name: string; readonly tags: readonly string[]; readonly status: string }): string {
  const query = scenario.tags.length > 0 ? scenario.tags.join(' and ') : scenario.name;
  const hide = scenario.status === 'FAILED' ? '&hide=passed&hide=skipped' : '';
  return `${scenario.cucumberHtml}?query=${encodeURIComponent(query)}${hide}`;
}
const scenarioLink = (scenario: ColumnScenario, text: string = scenario.name): string =>
  `<a href="${escape(cucumberHtmlLink(scenario))}" title="open this scenario in cucumber.html">${escape(text)}</a>`;
const ruleLink = (rule: string): string => `<a class="rule" href="#rule-${escape(rule)}">${escape(rule)}</a>`;
const seconds = (ms: number | undefined): string => (ms === undefined ? '–' : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

const METRIC_BADGE: Record<MetricState, string> = { met: '<span class="badge pass">✓ met</span>', missed: '<span class="badge fail">✗ missed</span>', no_data: '<span class="badge none">no data</span>' };
const CAPABILITY_BADGE: Record<CapabilityVerdict, string> = { pass: '<span class="badge pass">✓ pass</span>', fail: '<span class="badge fail">✗ fail</span>', no_data: '<span class="badge none">not run</span>' };
const VERDICT_BADGE: Record<Verdict, string> = { pass: '<span class="badge pass">pass</span>', fail: '<span class="badge fail">fail</span>', not_run: '<span class="badge none">not run</span>', unchecked: '<span class="badge unchecked">unchecked</span>' };

export function dashboardHtml(input: DashboardInput): string {
  const { columns } = input;
  const several = columns.length > 1;
  const failing = columns.reduce((sum, column) => sum + column.totals.failed, 0);
  const hookFailures = columns.flatMap((column) => column.hookFailures);
  const green = failing === 0 && hookFailures.length === 0 && columns.every((column) => column.totals.passed > 0);
  const title = several ? `Golden Path: ${columns.length} backends side by side` : `Golden Path: ${columns[0]?.label ?? 'no run'}`;
  const verdict = green
    ? `<p class="verdict pass">✓ Every scenario that ran passed${columns.every((column) => column.targetsMet === true) ? ', and every success target is met' : ''}.</p>`
    : columns.every((column) => column.totals.passed + column.totals.failed === 0)
      ? '<p class="verdict none">Nothing ran: no scenario reached the backend (see the failures below).</p>'
      : `<p class="verdict fail">✗ ${failing} scenario${failing === 1 ? '' : 's'} failed${hookFailures.length > 0 ? `, and ${hookFailures.length} hook${hookFailures.length === 1 ? '' : 's'} outside any scenario` : ''}.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${escape(title)}</h1>
  ${verdict}
  <p class="links">${columns.flatMap((column) => column.parts).map((part) => `<a href="${escape(part.cucumberHtml)}">cucumber.html${several || columns[0]?.parts.length !== 1 ? ` (${escape(part.from)})` : ''}</a>`).join(' · ')}
    · <a href="#scorecard">scorecard</a> · <a href="#matrix">conformance matrix</a> · <a href="#trend">trend</a></p>
</header>
<main>
${failuresSection(columns, hookFailures)}
${scorecardSection(input)}
${matrixSection(input)}
${trendSection(input)}
</main>
<footer>Written ${escape(input.generatedAt)} by the suite's dashboard (support/report/dashboard); charts specified in Vega-Lite and rendered to SVG by Vega at report time. No network is needed to read this page.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function failuresSection(columns: readonly Column[], hookFailures: readonly string[]): string {
  const several = columns.length > 1;
  let pictures = 0;
  const blocks = columns.map((column) => {
    const failures = failuresOf(column);
    if (failures.length === 0) return several ? `<h3>${escape(column.label)}</h3><p class="muted">No failure.</p>` : '';
    const cards = failures.map((scenario, index) => {
      const picture = scenario.pictures[0];
      const showPicture = picture !== undefined && pictures < INLINE_PICTURES;
      if (showPicture) pictures += 1;
      const pictureId = `picture-${columns.indexOf(column)}-${index}`;
      const violations = scenario.failure?.violations ?? [];
      const lines = violations.length > 0
        ? violations.slice(0, 4).map((violation) => `<li>${ruleLink(violation.rule)} <span class="kind ${violation.kind}">${violation.kind === 'protocol' ? 'protocol MUST' : 'profile target'}</span> ${escape(violation.message)}<div class="impact">Business impact: ${escape(violation.impact)}</div></li>`).join('') +
          (violations.length > 4 ? `<li class="muted">… and ${violations.length - 4} more in cucumber.html</li>` : '')
        : `<li>${escape(scenario.failure?.headline ?? `the scenario ended ${scenario.status.toLowerCase()}`)}${(scenario.failure?.rules.length ?? 0) > 0 ? ` (${scenario.failure?.rules.map(ruleLink).join(', ') ?? ''})` : ''}</li>`;
      return `<article class="failure" id="failure-${columns.indexOf(column)}-${index}">
  <h3>${scenarioLink(scenario)}</h3>
  <p class="muted">${escape(scenario.feature)} · ${escape(scenario.uri)}${scenario.line === undefined ? '' : `:${scenario.line}`} · ${seconds(scenario.durationMs)}${showPicture ? ` · <a href="#${pictureId}">its timeline ↓</a>` : picture !== undefined ? ` · ${scenarioLink(scenario, 'its timeline in cucumber.html')}` : ''}</p>
  ${violations.length > 0 && scenario.failure !== undefined ? `<p class="headline">${escape(scenario.failure.headline)}</p>` : ''}
  <ul class="violations">${lines}</ul>
  ${showPicture ? `<details open><summary>${escape(picture.fileName)}</summary>${svgImage(Buffer.from(picture.base64, 'base64').toString('utf8'), `timeline of ${scenario.name}`, pictureId)}</details>` : ''}
</article>`;
    }).join('\n');
    return `${several ? `<h3>${escape(column.label)}</h3>` : ''}${cards}`;
  });
  const hooks = hookFailures.length === 0 ? '' : `<article class="failure"><h3>Outside any scenario</h3><ul class="violations">${hookFailures.map((failure) => `<li>${escape(failure)}</li>`).join('')}</ul></article>`;
  const body = hooks + blocks.join('\n');
  if (body.trim() === '') return '';
  return `<section id="failures"><h2>What failed</h2>${body}</section>`;
}

function scorecardSection(input: DashboardInput): string {
  const { columns } = input;
  const head = `<tr><th></th>${columns.map((column) => `<th>${escape(column.label)}</th>`).join('')}</tr>`;
  const metricNames = columns[0]?.metricRows.map((row) => row.name) ?? [];
  const metrics = metricNames.map((name, index) => {
    const target = columns[0]?.metricRows[index]?.target ?? '';
    return `<tr><th>${escape(name)}<div class="muted">target ${escape(target)}</div></th>${columns.map((column) => {
      const row = column.metricRows[index];
      return row === undefined ? '<td></td>' : `<td class="${row.state}">${METRIC_BADGE[row.state]} ${escape(row.value)}</td>`;
    }).join('')}</tr>`;
  }).join('');
  const capabilities = (columns[0]?.capabilities ?? []).map((capability, index) => `<tr><th>${escape(capability.title)}<div class="muted">${escape(capability.why)}</div></th>${columns.map((column) => {
    const mine = column.capabilities[index];
    if (mine === undefined) return '<td></td>';
    return `<td class="${mine.verdict}">${CAPABILITY_BADGE[mine.verdict]} ${mine.passed} passed${mine.failed > 0 ? `, <strong>${mine.failed} failed</strong>` : ''}${mine.notRun > 0 ? `, ${mine.notRun} not run` : ''}</td>`;
  }).join('')}</tr>`).join('');
  const fact = (label: string, value: (column: Column) => string): string => `<tr><th>${escape(label)}</th>${columns.map((column) => `<td>${value(column)}</td>`).join('')}</tr>`;
  const facts = [
    fact('backend under test', (column) => escape(column.backend.description)),
    fact('its version', (column) => escape(column.backend.version ?? 'not known (set GOLDEN_PATH_BACKEND_VERSION)')),
    fact('scenarios', (column) => `${column.totals.scenarios}: ${column.totals.passed} passed, ${column.totals.failed > 0 ? `<strong>${column.totals.failed} failed</strong>` : '0 failed'}${column.totals.notRun > 0 ? `, ${column.totals.notRun} not run` : ''}`),
    fact('protocol rules', (column) => verdictCounts(column.conformance.byKind.protocol)),
    fact('profile targets', (column) => verdictCounts(column.conformance.byKind.target)),
    fact('started', (column) => escape(column.startedAt?.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') ?? '–')),
    fact('duration', (column) => `${seconds(column.durationMs)}${column.parts.length > 1 ? ` over ${column.parts.length} parts (${column.parts.map((part) => escape(part.from)).join(', ')})` : ''}`),
    fact('selection', (column) => escape(column.conformance.selection.tags ?? 'every scenario')),
    fact('pictures', (column) => `${column.scenarios.filter((scenario) => scenario.pictures.length > 0).length} scenarios drawn in ${seconds(column.pictureMs)} of worker time (${(column.pictureBytes / 1024).toFixed(0)} KB of SVG)`),
  ].join('');
  return `<section id="scorecard"><h2>Scorecard</h2>
<div class="charts">${svgImage(input.charts.capabilities, 'scenarios per capability')}</div>
<h3>The seed plan's success metrics</h3>
<table class="scorecard">${head}${metrics}</table>
<p class="muted">"No data": nothing of the kind was measured in this run (no connection opened, no run watched, no message sent during a fault), which is never counted as met.</p>
<h3>Capabilities</h3>
<table class="scorecard">${head}${capabilities}</table>
<h3>The run</h3>
<table class="scorecard">${head}${facts}</table>
</section>`;
}

function verdictCounts(counts: Readonly<Record<Verdict, number>>): string {
  return `${counts.pass} pass, ${counts.fail > 0 ? `<strong>${counts.fail} fail</strong>` : '0 fail'}, ${counts.not_run} not run, ${counts.unchecked} unchecked`;
}

function matrixSection(input: DashboardInput): string {
  const { columns } = input;
  const [first] = columns;
  if (first === undefined) return '';
  const several = columns.length > 1;
  const rows = first.conformance.rules.map((rule, index) => {
    const cells = columns.map((column) => verdictCell(column.conformance.rules[index] ?? rule, column)).join('');
    const verdicts = new Set(columns.map((column) => column.conformance.rules[index]?.verdict ?? rule.verdict));
    const faults = input.faultEvidence === undefined
      ? '<span class="muted">no verify-suite report</span>'
      : rule.faults.length === 0
        ? '<span class="muted">none in the latest verify-suite</span>'
      : rule.faults.map((fault) => (rule.faultsCaught.includes(fault) ? `<span class="fault proved" title="caught by this rule in the latest verify-suite">✓ ${escape(fault)}</span>` : `<span class="fault" title="breaks this rule, but was not caught by it in the latest verify-suite">${escape(fault)}</span>`)).join(' ');
    const scenarios = rule.scenarios.length === 0
      ? '<span class="muted">none</span>'
      : `<details><summary>${rule.scenarios.length}</summary><ul>${rule.scenarios.map((name) => `<li>${escape(name)}</li>`).join('')}</ul></details>`;
    return `<tr id="rule-${escape(rule.id)}" data-verdicts="${[...verdicts].join(' ')}"${several && verdicts.size > 1 ? ' class="differs"' : ''}>
<th><code>${escape(rule.id)}</code></th><td>${escape(rule.section)}</td><td><span class="kind ${rule.kind}">${rule.kind === 'protocol' ? `protocol${rule.optional ? ' (optional)' : ''}` : 'target'}</span></td>
<td><strong>${escape(rule.title)}</strong><div class="muted">${escape(rule.rule)}</div></td>${cells}<td>${scenarios}</td><td>${faults}</td></tr>`;
  }).join('\n');
  const evidence = input.faultEvidence === undefined
    ? 'No verify-suite report was found (reports/verify/verify-suite.json): run <code>npm run verify-suite</code> to see which planted faults prove each rule.'
    : `Planted faults from the latest verify-suite (${escape(input.faultEvidence.path)}, ${escape(input.faultEvidence.at)}, ${input.faultEvidence.faults} faults): ✓ marks a fault caught by the rule, which proves the rule can fail.`;
  const filters = ['all', 'fail', 'pass', 'not_run', 'unchecked', ...(several ? ['differs'] : [])]
    .map((filter) => `<button type="button" data-filter="${filter}"${filter === 'all' ? ' class="on"' : ''}>${filter.replace('_', ' ')}</button>`).join('');
  return `<section id="matrix"><h2>Conformance matrix</h2>
<div class="charts">${svgImage(input.charts.verdicts, 'rule verdicts by section')}</div>
<p>Every rule of the protocol (${first.conformance.protocol}) and every service-level target of the suite's profile, ${several ? 'with the verdict of each backend side by side' : 'with this run\'s verdict'}: <em>pass</em> — a scenario evaluated it and the backend held; <em>fail</em> — a scenario found it broken; <em>not run</em> — its scenarios were not in this selection or could not run; <em>unchecked</em> — no scenario checks it. ${evidence}</p>
<p class="filters">Show: ${filters}</p>
<table class="matrix"><thead><tr><th>rule</th><th>§</th><th>kind</th><th>what it says</th>${columns.map((column) => `<th>${escape(several ? column.label : 'verdict')}</th>`).join('')}<th>scenarios that check it</th><th>planted faults</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`;
}

function verdictCell(rule: RuleVerdict, column: Column): string {
  const detail = rule.verdict === 'fail'
    ? `<div class="muted">broken in ${rule.failedIn.slice(0, 3).map((name) => {
      const scenario = column.scenarios.find((candidate) => candidate.name === name);
      return scenario === undefined ? escape(name) : scenarioLink(scenario);
    }).join('; ')}</div>`
    : rule.reason === undefined ? '' : `<div class="muted">${escape(rule.reason)}</div>`;
  return `<td class="verdict-${rule.verdict}">${VERDICT_BADGE[rule.verdict]}${detail}</td>`;
}

function trendSection(input: DashboardInput): string {
  const { trend } = input;
  const list = (items: readonly string[]): string => (items.length === 0 ? '<p class="muted">None.</p>' : `<ul>${items.join('')}</ul>`);
  const names = (keys: readonly string[]): string[] => keys.map((key) => `<li>${escape(key.split('|')[1] ?? key)} <span class="muted">${escape(key.split('|')[0] ?? '')}</span></li>`);
  if (trend.runs.length === 0) return `<section id="trend"><h2>Trend</h2><p class="muted">No run history${input.historyFile === undefined ? '' : ` in ${escape(input.historyFile)}`} yet.</p></section>`;
  return `<section id="trend"><h2>Trend of the last runs</h2>
<p class="muted">From ${escape(input.historyFile ?? 'the run history')}: the last ${trend.runs.length} run${trend.runs.length === 1 ? '' : 's'} against the same backend (each run adds one; the file keeps the last few).</p>
<div class="charts">${input.charts.trend === undefined ? '' : svgImage(input.charts.trend, 'the last runs')}${input.charts.failureHistory === undefined ? '' : svgImage(input.charts.failureHistory, 'scenarios that failed, run by run')}</div>
<div class="columns">
<div><h3>Newly failing</h3>${list(trend.newlyFailing.map((item) => `<li><span class="badge fail">new</span> ${escape(item.name)} <span class="muted">${item.since === 'passed before' ? 'passed the last time it ran' : 'not run before'}</span></li>`))}</div>
<div><h3>Flaky</h3>${list(trend.flaky.map((item) => `<li><span class="badge flaky">flaky</span> ${escape(item.name)} <code title="oldest first: P passed, F failed, S not run, · did not run">${escape(item.sequence)}</code></li>`))}</div>
<div><h3>Still failing</h3>${list(names(trend.stillFailing))}</div>
</div>
</section>`;
}

const CSS = `
:root { --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --none: #57606a; --none-bg: #eaeef2; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; background: #f6f8fa; }
header, main, footer { max-width: 1500px; margin: 0 auto; padding: 12px 24px; }
header { background: #fff; border-bottom: 1px solid var(--line); max-width: none; padding-left: max(24px, calc((100% - 1452px) / 2)); }
h1 { margin: 8px 0; font-size: 22px; }
h2 { margin: 28px 0 10px; font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 18px 0 8px; font-size: 15px; }
a { color: #0969da; }
.muted { color: #57606a; font-size: 12px; }
.verdict { display: inline-block; margin: 4px 0; padding: 6px 12px; border-radius: 6px; font-weight: 600; }
.verdict.pass { background: var(--pass-bg); color: var(--pass); }
.verdict.fail { background: var(--fail-bg); color: var(--fail); }
.verdict.none { background: var(--none-bg); color: var(--none); }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.pass { background: var(--pass-bg); color: var(--pass); }
.badge.fail { background: var(--fail-bg); color: var(--fail); }
.badge.none { background: var(--none-bg); color: var(--none); }
.badge.unchecked { background: #fff8c5; color: #9a6700; }
.badge.flaky { background: #fff8c5; color: #9a6700; }
th code { white-space: nowrap; }
.kind { font-size: 11px; padding: 0 6px; border-radius: 4px; border: 1px solid var(--line); white-space: nowrap; }
.kind.protocol { color: #8250df; border-color: #d8b9ff; }
.kind.target { color: #9a6700; border-color: #f5d36b; }
.failure { background: #fff; border: 1px solid #ffcecb; border-left: 4px solid var(--fail); border-radius: 6px; padding: 8px 16px; margin: 12px 0; }
.failure h3 { margin: 4px 0; }
.failure .headline { margin: 4px 0; font-weight: 600; }
.violations { margin: 6px 0; padding-left: 20px; }
.violations li { margin: 4px 0; }
.impact { color: #9a6700; font-size: 13px; }
a.rule { font-family: ui-monospace, Menlo, monospace; font-weight: 600; }
img.chart { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 6px 12px 6px 0; vertical-align: top; }
.charts { display: flex; flex-wrap: wrap; align-items: flex-start; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
table.scorecard th { width: 30%; font-weight: 600; }
td.met, td.pass { background: #f4fdf6; }
td.missed, td.fail, td.verdict-fail { background: #fff5f4; }
td.no_data { background: #f6f8fa; }
table.matrix { font-size: 13px; }
table.matrix thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 1; }
table.matrix tr.differs th { box-shadow: inset 4px 0 0 #bf8700; }
table.matrix details ul { margin: 4px 0; padding-left: 18px; }
.fault { display: inline-block; font-family: ui-monospace, Menlo, monospace; font-size: 12px; color: #57606a; margin-right: 6px; }
.fault.proved { color: var(--pass); font-weight: 600; }
.filters button { font: inherit; font-size: 12px; border: 1px solid var(--line); background: #fff; border-radius: 12px; padding: 1px 10px; cursor: pointer; }
.filters button.on { background: #0969da; color: #fff; border-color: #0969da; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
footer { color: #57606a; font-size: 12px; padding-bottom: 32px; }
`;

/** The matrix's verdict filter: the page works without it. */
const SCRIPT = `
document.querySelectorAll('.filters button').forEach(function (button) {
  button.addEventListener('click', function () {
    var filter = button.getAttribute('data-filter');
    document.querySelectorAll('.filters button').forEach(function (other) { other.classList.toggle('on', other === button); });
    document.querySelectorAll('table.matrix tbody tr').forEach(function (row) {
      var verdicts = (row.getAttribute('data-verdicts') || '').split(' ');
      var show = filter === 'all' || (filter === 'differs' ? row.classList.contains('differs') : verdicts.indexOf(filter) !== -1);
      row.style.display = show ? '' : 'none';
    });
  });
});
`;
