import { RULE_IDS } from '../../protocol/rules';

/** One broken rule: its id in protocol/rules.ts, and what the user experiences, with why it matters. */
export interface Violation {
  readonly rule: string;
  readonly message: string;
}

export function violation(rule: string, message: string): Violation {
  if (!RULE_IDS.has(rule)) throw new Error(`the suite names rule ${rule}, which protocol/rules.ts does not have`);
  return { rule, message };
}

/** A judgement of one thing against some rules: the rules it evaluated and those it found broken. */
export interface Judgement {
  readonly headline: string;
  readonly evaluated: readonly string[];
  readonly violations: readonly Violation[];
}
