import { round2 } from './money';
import type { Currency, ModelMention, ModelTier, Period, SpendFigures } from './spend-figures';

export interface CostLine {
  readonly label: string;
  readonly tier: ModelTier | null;
  readonly monthly: number;
  /** Fraction of the monthly total, 0..1. */
  readonly share: number;
  readonly source: 'amount' | 'percentage';
}

export interface CostBreakdown {
  readonly currency: Currency;
  /** Null when no spend figure is known at all. */
  readonly monthly_total: number | null;
  readonly annual_total: number | null;
  readonly daily_average: number | null;
  readonly lines: CostLine[];
  readonly unattributed_monthly: number;
  readonly monthly_growth_pct: number | null;
  readonly projected_monthly_in_12_months: number | null;
  readonly projected_next_12_months_total: number | null;
  readonly monthly_tokens: number | null;
  readonly cost_per_million_tokens: number | null;
  readonly previous_monthly_total: number | null;
  readonly change_vs_previous_pct: number | null;
  readonly models: ModelMention[];
  readonly assumptions: string[];
}

const DAYS_PER_MONTH = 30;
const WEEKS_PER_MONTH = 52 / 12;

export function toMonthly(amount: number, period: Period | null): number {
  switch (period) {
    case 'day':
      return amount * DAYS_PER_MONTH;
    case 'week':
      return amount * WEEKS_PER_MONTH;
    case 'year':
      return amount / 12;
    default:
      return amount;
  }
}

/** The monthly total the figures of one message state, or null. */
export function statedMonthlyTotal(figures: SpendFigures): number | null {
  const totals = figures.amounts.filter((a) => a.isTotal || a.label === null).map((a) => toMonthly(a.amount, a.period));
  const lineSum = figures.amounts.filter((a) => !a.isTotal && a.label !== null).reduce((sum, a) => sum + toMonthly(a.amount, a.period), 0);
  const explicit = totals.length > 0 ? Math.max(...totals) : null;
  if (explicit !== null) return Math.max(explicit, lineSum);
  return lineSum > 0 ? lineSum : null;
}

/**
 * Turn extracted figures into a monthly cost breakdown: total, per-model or
 * per-category lines (from amounts, or from percentage shares of the total),
 * annual and growth projections, token economics and the change against the
 * user's earlier figure.
 */
export function analyseCostBreakdown(figures: SpendFigures, previousMonthlyTotal: number | null): CostBreakdown {
  const assumptions: string[] = [];
  const currency: Currency = figures.amounts[0]?.currency ?? 'USD';
  if (figures.amounts.some((a) => a.period === null)) assumptions.push('amounts without a period are treated as monthly');

  const lineAmounts = new Map<string, number>();
  for (const a of figures.amounts) {
    if (a.isTotal || a.label === null) continue;
    lineAmounts.set(a.label, (lineAmounts.get(a.label) ?? 0) + toMonthly(a.amount, a.period));
  }

  let total = statedMonthlyTotal(figures);
  if (total === null && previousMonthlyTotal !== null) {
    total = previousMonthlyTotal;
    assumptions.push('no amount in this message; using the monthly total you gave earlier');
  }

  const lines: CostLine[] = [...lineAmounts].map(([label, monthly]) => ({ label, monthly, source: 'amount' as const, tier: tierOf(label, figures.models), share: 0 }));
  if (total !== null) {
    for (const p of figures.percentages) {
      if (p.kind !== 'share' || p.label === null || lineAmounts.has(p.label) || p.value <= 0 || p.value > 100) continue;
      lines.push({ label: p.label, monthly: (total * p.value) / 100, source: 'percentage', tier: tierOf(p.label, figures.models), share: 0 });
      lineAmounts.set(p.label, (total * p.value) / 100);
    }
  }
  const attributed = lines.reduce((sum, l) => sum + l.monthly, 0);
  if (total !== null && attributed > total) total = attributed;

  const growth = figures.percentages.find((p) => p.kind === 'growth');
  let monthlyGrowth: number | null = null;
  if (growth !== undefined) {
    const rate = growth.value / 100;
    monthlyGrowth = growth.period === 'year' ? Math.pow(1 + rate, 1 / 12) - 1 : growth.period === 'week' ? Math.pow(1 + rate, WEEKS_PER_MONTH) - 1 : rate;
    if (growth.period === null) assumptions.push(`growth of ${growth.text} is treated as month over month`);
  }

  let monthlyTokens: number | null = null;
  if (figures.tokens.length > 0) {
    monthlyTokens = figures.tokens.reduce((sum, t) => sum + toMonthly(t.count, t.period), 0);
    if (figures.tokens.some((t) => t.period === null)) assumptions.push('token counts without a period are treated as monthly');
  }

  const projectedIn12 = total !== null && monthlyGrowth !== null ? total * Math.pow(1 + monthlyGrowth, 12) : null;
  let next12: number | null = null;
  if (total !== null) {
    next12 = 0;
    for (let month = 1; month <= 12; month += 1) next12 += total * Math.pow(1 + (monthlyGrowth ?? 0), month);
  }

  return {
    currency,
    monthly_total: total === null ? null : round2(total),
    annual_total: total === null ? null : round2(total * 12),
    daily_average: total === null ? null : round2(total / DAYS_PER_MONTH),
    lines: lines
      .map((l) => ({ ...l, monthly: round2(l.monthly), share: total ? round2(l.monthly / total) : 0 }))
      .sort((a, b) => b.monthly - a.monthly),
    unattributed_monthly: total === null ? 0 : round2(Math.max(0, total - attributed)),
    monthly_growth_pct: monthlyGrowth === null ? null : round2(monthlyGrowth * 100),
    projected_monthly_in_12_months: projectedIn12 === null ? null : round2(projectedIn12),
    projected_next_12_months_total: next12 === null ? null : round2(next12),
    monthly_tokens: monthlyTokens,
    cost_per_million_tokens: total !== null && monthlyTokens ? round2(total / (monthlyTokens / 1e6)) : null,
    previous_monthly_total: previousMonthlyTotal,
    change_vs_previous_pct:
      total !== null && previousMonthlyTotal !== null && previousMonthlyTotal > 0 && !assumptions.some((a) => a.startsWith('no amount'))
        ? round2(((total - previousMonthlyTotal) / previousMonthlyTotal) * 100)
        : null,
    models: figures.models,
    assumptions,
  };
}

function tierOf(label: string, models: readonly ModelMention[]): ModelTier | null {
  return models.find((m) => m.name === label)?.tier ?? null;
}
