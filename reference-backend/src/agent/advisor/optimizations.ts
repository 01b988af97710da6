import type { CostBreakdown } from './cost-analysis';
import { formatMoney, round2 } from './money';
import type { Currency, ModelMention } from './spend-figures';

export interface OptimizationRecommendation {
  readonly title: string;
  readonly category: 'model_tiering' | 'prompt_caching' | 'batching' | 'output_control' | 'embeddings' | 'governance' | 'measurement';
  readonly description: string;
  readonly estimated_monthly_savings: number | null;
  readonly estimated_annual_savings: number | null;
  readonly confidence: 'high' | 'medium' | 'low';
}

export interface OptimizationPlan {
  readonly currency: Currency;
  readonly recommendations: OptimizationRecommendation[];
  readonly total_monthly_savings: number | null;
  readonly total_annual_savings: number | null;
  readonly savings_fraction: number | null;
  readonly monthly_after_savings: number | null;
}

/**
 * Industry rules of thumb behind the estimates. Savings are applied one after
 * another to the spend that remains, so they never double count.
 */
export const SAVINGS_ASSUMPTIONS = {
  /** Share of premium-model traffic simple enough for a small model. */
  routableShare: 0.4,
  /** Small-model price relative to the premium model. */
  smallModelPriceRatio: 0.08,
  /** Input tokens' share of the bill, repeated-prefix share of inputs, cache discount. */
  inputShare: 0.6,
  cacheablePrefixShare: 0.3,
  cacheDiscount: 0.9,
  /** Share of workload that tolerates asynchronous processing, and the batch discount. */
  batchableShare: 0.2,
  batchDiscount: 0.5,
  /** Saving from capping output length and trimming context. */
  outputTrim: 0.05,
  /** Saving from caching and deduplicating embeddings. */
  embeddingDedup: 0.3,
} as const;

const SMALLER_ALTERNATIVE: ReadonlyArray<[RegExp, string]> = [
  [/^gpt/, 'gpt-4o-mini'],
  [/^o\d/, 'o3-mini'],
  [/claude|opus|sonnet/, 'claude-3.5-haiku'],
  [/gemini/, 'gemini-1.5-flash'],
  [/mistral/, 'mistral-small'],
];

function smallerAlternative(model: string): string {
  return SMALLER_ALTERNATIVE.find(([pattern]) => pattern.test(model))?.[1] ?? 'a smaller model';
}

/** Compute recommendations with concrete savings from a cost breakdown. */
export function recommendOptimizations(breakdown: CostBreakdown): OptimizationPlan {
  const { currency } = breakdown;
  const total = breakdown.monthly_total;
  if (total === null || total <= 0) return withoutFigures(breakdown);

  const A = SAVINGS_ASSUMPTIONS;
  const money = (v: number): string => formatMoney(v, currency);
  const recommendations: OptimizationRecommendation[] = [];
  let remaining = total;
  const add = (r: Omit<OptimizationRecommendation, 'estimated_monthly_savings' | 'estimated_annual_savings'>, monthly: number | null): void => {
    const saving = monthly === null ? null : round2(monthly);
    if (saving !== null) remaining -= saving;
    recommendations.push({ ...r, estimated_monthly_savings: saving, estimated_annual_savings: saving === null ? null : round2(saving * 12) });
  };

  // 1. Model tiering: route routine traffic from premium models to a small one.
  const premiumLines = breakdown.lines.filter((l) => l.tier === 'premium');
  const premiumModels = breakdown.models.filter((m) => m.tier === 'premium');
  const onlyEconomy = breakdown.models.length > 0 && premiumModels.length === 0;
  if (!onlyEconomy) {
    let premiumSpend: number;
    let confidence: OptimizationRecommendation['confidence'];
    let basis: string;
    if (premiumLines.length > 0) {
      premiumSpend = premiumLines.reduce((s, l) => s + l.monthly, 0);
      confidence = 'high';
      basis = `${money(premiumSpend)}/month goes to ${premiumLines.map((l) => l.label).join(' and ')}`;
    } else if (premiumModels.length > 0) {
      premiumSpend = total * 0.7;
      confidence = 'medium';
      basis = `assuming ${premiumModels.map((m) => m.name).join(' and ')} account for about 70% of the bill`;
    } else {
      premiumSpend = total * 0.5;
      confidence = 'low';
      basis = 'assuming about half of the bill is premium-model traffic';
    }
    const top = topPremium(premiumLines.map((l) => l.label), premiumModels);
    const saving = premiumSpend * A.routableShare * (1 - A.smallModelPriceRatio);
    add(
      {
        title: top ? `Route routine requests from ${top} to ${smallerAlternative(top)}` : 'Route routine requests to a smaller model tier',
        category: 'model_tiering',
        description:
          `${basis}. Sending the ~${Math.round(A.routableShare * 100)}% of requests that are classification, extraction or short answers ` +
          `to a model at ~${Math.round(A.smallModelPriceRatio * 100)}% of the price saves about ${money(saving)} per month.`,
        confidence,
      },
      saving,
    );
  }

  // 2. Embeddings: cache and deduplicate.
  const embeddings = breakdown.lines.find((l) => /^embedding/.test(l.label));
  if (embeddings !== undefined) {
    const saving = embeddings.monthly * A.embeddingDedup;
    add(
      {
        title: 'Cache embeddings and skip unchanged documents',
        category: 'embeddings',
        description: `Embeddings cost ${money(embeddings.monthly)}/month; hashing inputs and re-embedding only changed chunks typically removes ~${Math.round(A.embeddingDedup * 100)}% of that, about ${money(saving)} per month.`,
        confidence: 'medium',
      },
      saving,
    );
  }

  // 3. Prompt caching of repeated prefixes (system prompts, few-shot examples, retrieved context).
  const cacheSaving = remaining * A.inputShare * A.cacheablePrefixShare * A.cacheDiscount;
  add(
    {
      title: 'Enable prompt caching for repeated system prompts and context',
      category: 'prompt_caching',
      description:
        `With input tokens at ~${Math.round(A.inputShare * 100)}% of the remaining ${money(remaining)}/month and ~${Math.round(A.cacheablePrefixShare * 100)}% of them a repeated prefix, ` +
        `cached reads at a ${Math.round(A.cacheDiscount * 100)}% discount save about ${money(cacheSaving)} per month.`,
      confidence: 'medium',
    },
    cacheSaving,
  );

  // 4. Batch API for work that can wait.
  const batchSaving = remaining * A.batchableShare * A.batchDiscount;
  add(
    {
      title: 'Move offline workloads to the batch API',
      category: 'batching',
      description: `Evaluations, back-fills and nightly summaries (~${Math.round(A.batchableShare * 100)}% of volume) run at a ${Math.round(A.batchDiscount * 100)}% discount through batch endpoints: about ${money(batchSaving)} per month.`,
      confidence: 'medium',
    },
    batchSaving,
  );

  // 5. Output control.
  const trimSaving = remaining * A.outputTrim;
  add(
    {
      title: 'Cap max_tokens and trim conversation context',
      category: 'output_control',
      description: `Per-endpoint output caps and summarising long histories instead of resending them cut ~${Math.round(A.outputTrim * 100)}% of what remains: about ${money(trimSaving)} per month.`,
      confidence: 'low',
    },
    trimSaving,
  );

  const totalSaving = round2(total - remaining);
  // 6. Governance: a budget line at the optimised run-rate, more urgent with growth.
  const growth = breakdown.monthly_growth_pct;
  const budget = round2(remaining * 1.1);
  add(
    {
      title: `Set a monthly budget alert at ${money(budget)}`,
      category: 'governance',
      description:
        growth !== null && growth > 0
          ? `Spend grows ${growth}% a month (${money(breakdown.projected_monthly_in_12_months ?? total)}/month in a year at this rate); alert per team and per key at 110% of the optimised run-rate of ${money(remaining)}.`
          : `Alert per team and per key at 110% of the optimised run-rate of ${money(remaining)} to catch regressions early.`,
      confidence: 'high',
    },
    null,
  );

  recommendations.sort((a, b) => (b.estimated_monthly_savings ?? -1) - (a.estimated_monthly_savings ?? -1));
  return {
    currency,
    recommendations,
    total_monthly_savings: totalSaving,
    total_annual_savings: round2(totalSaving * 12),
    savings_fraction: round2(totalSaving / total),
    monthly_after_savings: round2(total - totalSaving),
  };
}

function topPremium(lineLabels: readonly string[], premiumModels: readonly ModelMention[]): string | null {
  return lineLabels[0] ?? premiumModels[0]?.name ?? null;
}

/** Without any figure the advice is about measuring first; no amounts are invented. */
function withoutFigures(breakdown: CostBreakdown): OptimizationPlan {
  const models = breakdown.models.map((m) => m.name);
  const recommendations: OptimizationRecommendation[] = [
    {
      title: 'Measure spend per model and per feature',
      category: 'measurement',
      description: `Tag every request with feature and team and export usage daily${models.length > 0 ? ` (starting with ${models.join(', ')})` : ''}; then send me the monthly figures for a costed plan.`,
      estimated_monthly_savings: null,
      estimated_annual_savings: null,
      confidence: 'high',
    },
    {
      title: 'Enable prompt caching for repeated system prompts',
      category: 'prompt_caching',
      description: 'Repeated prefixes are billed at a fraction of the price when cached; this is usually the cheapest saving to ship.',
      estimated_monthly_savings: null,
      estimated_annual_savings: null,
      confidence: 'medium',
    },
  ];
  return {
    currency: breakdown.currency,
    recommendations,
    total_monthly_savings: null,
    total_annual_savings: null,
    savings_fraction: null,
    monthly_after_savings: null,
  };
}
