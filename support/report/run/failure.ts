import { ruleById, ruleIdsIn, RULE_IDS } from '../../../protocol/rules';

/**
 * A scenario's failure in the reader's terms: the judgement's headline, and
 * each broken rule with its id, whether the protocol or a target of the
 * profile was missed, what the user experienced (the violation) and what
 * that costs the business (the rule's impact in protocol/rules.ts).
 */
export interface FailureSummary {
  /** The first meaningful line: a judgement's headline, or the error of an arrangement that could not be made. */
  readonly headline: string;
  readonly violations: ReadonlyArray<{ readonly rule: string; readonly kind: 'protocol' | 'target'; readonly message: string; readonly impact: string }>;
  /** Rule ids named anywhere in the message (an arrangement's error names the rule it could not get past). */
  readonly rules: readonly string[];
  /** The line a one-line summary shows: the first violation (its business impact), else the headline. */
  readonly firstLine: string;
}

/** `  ✗ [GP-5.3, protocol MUST] …` — one violation line of a judgement (support/expectations/golden-path-chai.ts). */
const VIOLATION = /^✗ \[([A-Z]+-[\w.-]+), [^\]]*\] (.*)$/;

export function summarizeFailure(message: string | undefined): FailureSummary | undefined {
  if (message === undefined || message.trim() === '') return undefined;
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at '));
  const violations = lines.flatMap((line) => {
    const match = VIOLATION.exec(line);
    const rule = match?.[1];
    if (match === null || rule === undefined || !RULE_IDS.has(rule)) return [];
    const known = ruleById(rule);
    return [{ rule, kind: known.kind, message: match[2] ?? '', impact: known.impact }];
  });
  const headline = (lines.find((line) => !line.startsWith('✗')) ?? lines[0] ?? '').replace(/^(AssertionError|Error): /, '');
  return { headline, violations, rules: ruleIdsIn(message), firstLine: lines.find((line) => line.startsWith('✗')) ?? lines[0] ?? '' };
}
