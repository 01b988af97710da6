import { RULES, type RuleKind } from '../../protocol/rules';
import type { RuleVerdicts } from '../expectations/rule-ledger';

/**
 * The conformance verdict of a run: for every rule of the catalogue, whether
 * the backend was seen to follow it, to break it, or was not checked — as
 * conformance test suites report on implementations. Pure: what the run did
 * in, verdicts out (the formatter feeds it; the dashboard and verify-suite read it).
 */
export type Verdict = 'pass' | 'fail' | 'not_run' | 'unchecked';

export interface ScenarioRecord {
  readonly name: string;
  readonly uri: string;
  /** Rule ids the scenario's tags name. */
  readonly tagged: readonly string[];
  /** The scenario or scenario outline it comes from: an outline's tag is honoured when any of its examples evaluates the rule. */
  readonly source: string;
  readonly status: 'PASSED' | 'FAILED' | 'SKIPPED' | 'UNDEFINED' | 'PENDING' | 'AMBIGUOUS' | 'UNKNOWN';
  /** What the scenario's judges evaluated and found broken (the rule ledger's attachment). */
  readonly verdicts: RuleVerdicts | undefined;
  /** Why the scenario did not run, when a need of it could not be met (e.g. by the token source). */
  readonly notRunBecause?: string;
}

export interface RuleVerdict {
  readonly id: string;
  readonly section: string;
  readonly kind: RuleKind;
  readonly title: string;
  readonly rule: string;
  readonly impact: string;
  readonly optional: boolean;
  readonly verdict: Verdict;
  readonly reason?: string;
  /** Scenarios of the whole suite that check it (by tag), and — among this run's — those that broke it. */
  readonly scenarios: readonly string[];
  readonly failedIn: readonly string[];
  /** Planted faults of the reference backend that break it (from the latest verify-suite), and those caught by it (that prove it). */
  readonly faults: readonly string[];
  readonly faultsCaught: readonly string[];
}

export interface Conformance {
  readonly protocol: string;
  readonly backend: { readonly description: string; readonly version: string | null; readonly faults: readonly string[] };
  readonly generatedAt: string;
  readonly selection: { readonly scenarios: number; readonly tags: string | null };
  readonly rules: readonly RuleVerdict[];
  readonly totals: Readonly<Record<Verdict, number>>;
  readonly byKind: Readonly<Record<RuleKind, Readonly<Record<Verdict, number>>>>;
  /** Tags that promise a check the scenario never made (a defect of the suite). */
  readonly tagsWithoutCheck: ReadonlyArray<{ readonly scenario: string; readonly rule: string }>;
}

export interface FaultEvidence {
  readonly name: string;
  /** The rules the fault breaks (its catalogue entry). */
  readonly rules: readonly string[];
  readonly caught: boolean;
  /** The rules whose violation caught it (a rule is proven by the faults caught by it). */
  readonly proves?: readonly string[];
}

export interface ConformanceInput {
  /** Every scenario of the suite (all feature files), with its tagged rules. */
  readonly catalogue: ReadonlyArray<{ readonly name: string; readonly tagged: readonly string[] }>;
  /** The scenarios this run executed. */
  readonly ran: readonly ScenarioRecord[];
  readonly backend: Conformance['backend'];
  readonly tags: string | null;
  readonly faults: readonly FaultEvidence[];
}

export function conformanceOf(input: ConformanceInput): Conformance {
  const rules = RULES.map((rule): RuleVerdict => {
    const declared = [...new Set(input.catalogue.filter((scenario) => scenario.tagged.includes(rule.id)).map((scenario) => scenario.name))];
    const ran = input.ran.filter((scenario) => scenario.tagged.includes(rule.id) || scenario.verdicts?.evaluated.includes(rule.id) === true);
    const failedIn = ran.filter((scenario) => scenario.verdicts?.violated.includes(rule.id) === true).map((scenario) => scenario.name);
    const passedIn = ran.filter((scenario) => scenario.status === 'PASSED' && scenario.verdicts?.evaluated.includes(rule.id) === true);
    const faults = input.faults.filter((fault) => fault.rules.includes(rule.id));
    const base = {
      id: rule.id, section: rule.section, kind: rule.kind, title: rule.title, rule: rule.rule, impact: rule.impact, optional: rule.optional === true,
      scenarios: declared, failedIn: [...new Set(failedIn)],
      faults: faults.map((fault) => fault.name), faultsCaught: faults.filter((fault) => fault.caught && (fault.proves === undefined || fault.proves.includes(rule.id))).map((fault) => fault.name),
    };
    if (failedIn.length > 0) return { ...base, verdict: 'fail' };
    if (passedIn.length > 0) return { ...base, verdict: 'pass' };
    if (declared.length === 0 && ran.length === 0) return { ...base, verdict: 'unchecked', reason: 'no scenario checks it' };
    return { ...base, verdict: 'not_run', reason: notRunReason(rule.id, ran) };
  });
  const tagsWithoutCheck = [...groupBy(input.ran, (scenario) => scenario.source).values()].flatMap((examples) => {
    if (!examples.every((scenario) => scenario.status === 'PASSED' && scenario.verdicts !== undefined)) return [];
    const evaluated = new Set(examples.flatMap((scenario) => scenario.verdicts?.evaluated ?? []));
    const tagged = new Set(examples.flatMap((scenario) => scenario.tagged));
    return [...tagged].filter((rule) => !evaluated.has(rule)).map((rule) => ({ scenario: examples[0]?.name ?? '', rule }));
  });
  return {
    protocol: 'Golden Path Protocol v1 (clarified 2026-12-02)',
    backend: input.backend,
    generatedAt: new Date().toISOString(),
    selection: { scenarios: input.ran.length, tags: input.tags },
    rules,
    totals: countVerdicts(rules),
    byKind: { protocol: countVerdicts(rules.filter((rule) => rule.kind === 'protocol')), target: countVerdicts(rules.filter((rule) => rule.kind === 'target')) },
    tagsWithoutCheck,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function countVerdicts(subset: readonly RuleVerdict[]): Record<Verdict, number> {
  return {
    pass: subset.filter((rule) => rule.verdict === 'pass').length,
    fail: subset.filter((rule) => rule.verdict === 'fail').length,
    not_run: subset.filter((rule) => rule.verdict === 'not_run').length,
    unchecked: subset.filter((rule) => rule.verdict === 'unchecked').length,
  };
}

function notRunReason(rule: string, ran: readonly ScenarioRecord[]): string {
  if (ran.length === 0) return 'none of the scenarios that check it is in this selection';
  const because = ran.flatMap((scenario) => (scenario.notRunBecause === undefined ? [] : [scenario.notRunBecause]));
  if (because.length > 0) return [...new Set(because)].join('; ');
  if (ran.every((scenario) => scenario.status !== 'PASSED')) return 'the scenarios that check it stopped before they got to it';
  return `its scenarios ran but did not evaluate ${rule}`;
}

/** The verdicts combined across several runs of one backend (shards, machines): fail anywhere, else pass anywhere, else not run, else unchecked. */
export function mergeConformance(parts: readonly Conformance[]): Conformance {
  const [first] = parts;
  if (first === undefined) throw new Error('nothing to merge');
  const rank: Record<Verdict, number> = { fail: 3, pass: 2, not_run: 1, unchecked: 0 };
  const rules = first.rules.map((rule) => {
    const same = parts.map((part) => part.rules.find((candidate) => candidate.id === rule.id) ?? rule);
    const best = same.reduce((a, b) => (rank[b.verdict] > rank[a.verdict] ? b : a));
    return { ...best, failedIn: [...new Set(same.flatMap((part) => part.failedIn))], faultsCaught: [...new Set(same.flatMap((part) => part.faultsCaught))] };
  });
  return {
    protocol: first.protocol,
    backend: first.backend,
    generatedAt: new Date().toISOString(),
    selection: { scenarios: parts.reduce((sum, part) => sum + part.selection.scenarios, 0), tags: first.selection.tags },
    rules,
    totals: countVerdicts(rules),
    byKind: { protocol: countVerdicts(rules.filter((rule) => rule.kind === 'protocol')), target: countVerdicts(rules.filter((rule) => rule.kind === 'target')) },
    tagsWithoutCheck: parts.flatMap((part) => part.tagsWithoutCheck),
  };
}

/** The console table of a verdict. */
export function conformanceTable(conformance: Conformance, path: string): string {
  const line = (label: string, counts: Readonly<Record<Verdict, number>>): string =>
    `  ${label.padEnd(16)} ${String(counts.pass).padStart(3)} pass   ${String(counts.fail).padStart(3)} fail   ${String(counts.not_run).padStart(3)} not run in this selection   ${String(counts.unchecked).padStart(3)} unchecked`;
  const out = [
    `Conformance of ${conformance.backend.description} to ${conformance.protocol} (${path})`,
    line('protocol rules', conformance.byKind.protocol),
    line('suite targets', conformance.byKind.target),
  ];
  for (const rule of conformance.rules.filter((candidate) => candidate.verdict === 'fail')) {
    out.push(`  ✗ ${rule.id} ${rule.kind === 'protocol' ? 'protocol MUST' : 'suite target'}: ${rule.title} — broken in ${rule.failedIn.slice(0, 3).join('; ')}`);
  }
  const unchecked = conformance.rules.filter((rule) => rule.verdict === 'unchecked').map((rule) => rule.id);
  if (unchecked.length > 0) out.push(`  unchecked: ${unchecked.join(', ')}`);
  for (const { scenario, rule } of conformance.tagsWithoutCheck.slice(0, 10)) out.push(`  ! "${scenario}" is tagged @${rule} but never evaluated it`);
  return out.join('\n');
}
