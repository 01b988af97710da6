import { ruleIdsIn } from '../../protocol/rules';
import type { Judgement } from '../oracle/violation';

/**
 * The rules one scenario evaluated and the ones it found broken, as every
 * judge reports them. One scenario runs at a time in a cucumber process (or
 * parallel worker), so the ledger is reset in a Before hook and read in the
 * After hook, which attaches it for the conformance verdict.
 */
export const RULE_VERDICTS_MEDIA_TYPE = 'application/x.golden-path.rule-verdicts+json';

export interface RuleVerdicts {
  readonly evaluated: string[];
  readonly violated: string[];
}

class RuleLedger {
  private evaluated = new Set<string>();
  private violated = new Set<string>();

  reset(): void {
    this.evaluated = new Set();
    this.violated = new Set();
  }

  record(judgement: Judgement): void {
    for (const rule of judgement.evaluated) this.evaluated.add(rule);
    for (const { rule } of judgement.violations) {
      this.evaluated.add(rule);
      this.violated.add(rule);
    }
  }

  /** A failure outside any judge (an arrangement that could not be made) names its rules in its message. */
  recordFailure(message: string): void {
    for (const rule of ruleIdsIn(message)) {
      this.evaluated.add(rule);
      this.violated.add(rule);
    }
  }

  verdicts(): RuleVerdicts {
    return { evaluated: [...this.evaluated].sort(), violated: [...this.violated].sort() };
  }
}

export const ruleLedger = new RuleLedger();
