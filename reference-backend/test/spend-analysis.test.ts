import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseCostBreakdown, statedMonthlyTotal, toMonthly } from '../src/agent/advisor/cost-analysis';
import { formatMoney } from '../src/agent/advisor/money';
import { recommendOptimizations } from '../src/agent/advisor/optimizations';
import { extractSpendFigures } from '../src/agent/advisor/spend-figures';

void describe('extractSpendFigures', () => {
  void it('reads amounts in several notations', () => {
    const f = extractSpendFigures('We pay $12,400 a month, 3000 USD per week for embeddings, €1.2k yearly and USD 500 daily.');
    assert.deepEqual(
      f.amounts.map((a) => [a.amount, a.currency, a.period]),
      [
        [12400, 'USD', 'month'],
        [3000, 'USD', 'week'],
        [1200, 'EUR', 'year'],
        [500, 'USD', 'day'],
      ],
    );
    assert.equal(f.amounts[1]?.label, 'embeddings');
  });

  void it('attributes amounts and shares to models', () => {
    const f = extractSpendFigures('Total bill is $20,000/month: $8,000 on GPT-4o, Claude 3 Opus costs $5,000 and 25% goes to gpt-4o-mini.');
    assert.deepEqual(
      f.amounts.map((a) => [a.amount, a.label, a.isTotal]),
      [
        [20000, null, true],
        [8000, 'gpt-4o', false],
        [5000, 'claude-3-opus', false],
      ],
    );
    assert.deepEqual(f.percentages.map((p) => [p.value, p.kind, p.label]), [[25, 'share', 'gpt-4o-mini']]);
    assert.deepEqual(
      f.models.map((m) => [m.name, m.tier]),
      [
        ['gpt-4o', 'premium'],
        ['claude-3-opus', 'premium'],
        ['gpt-4o-mini', 'economy'],
      ],
    );
  });

  void it('reads token volumes and growth', () => {
    const f = extractSpendFigures('We process 2.5M tokens per day and 1,200,000 tokens monthly; spend is growing 15% month over month.');
    assert.deepEqual(f.tokens.map((t) => [t.count, t.period]), [
      [2.5e6, 'day'],
      [1.2e6, 'month'],
    ]);
    assert.deepEqual(f.percentages.map((p) => [p.value, p.kind, p.period]), [[15, 'growth', 'month']]);
  });

  void it('finds nothing in small talk', () => {
    const f = extractSpendFigures('hello there, how are you?');
    assert.equal(f.amounts.length + f.percentages.length + f.tokens.length + f.models.length, 0);
  });
});

void describe('analyseCostBreakdown', () => {
  void it('builds monthly lines, shares and projections', () => {
    const figures = extractSpendFigures('Our AI spend is $10,000 per month; 60% on GPT-4 and $1,000 on embeddings. 300M tokens a month.');
    const b = analyseCostBreakdown(figures, null);
    assert.equal(b.monthly_total, 10000);
    assert.equal(b.annual_total, 120000);
    assert.deepEqual(
      b.lines.map((l) => [l.label, l.monthly, l.share, l.source]),
      [
        ['gpt-4', 6000, 0.6, 'percentage'],
        ['embeddings', 1000, 0.1, 'amount'],
      ],
    );
    assert.equal(b.unattributed_monthly, 3000);
    assert.equal(b.cost_per_million_tokens, 33.33);
    assert.equal(b.projected_next_12_months_total, 120000);
  });

  void it('compounds growth and compares with the earlier total', () => {
    const b = analyseCostBreakdown(extractSpendFigures('We spend $1,000 a month, growing 10% per month'), 800);
    assert.equal(b.monthly_growth_pct, 10);
    assert.equal(b.projected_monthly_in_12_months, 3138.43);
    assert.equal(b.change_vs_previous_pct, 25);
  });

  void it('falls back to the earlier total when the message has none', () => {
    const b = analyseCostBreakdown(extractSpendFigures('how do I cut costs?'), 5000);
    assert.equal(b.monthly_total, 5000);
    assert.equal(b.change_vs_previous_pct, null);
  });

  void it('converts periods to months', () => {
    assert.equal(toMonthly(100, 'day'), 3000);
    assert.equal(toMonthly(1200, 'year'), 100);
    assert.equal(toMonthly(100, null), 100);
    assert.equal(statedMonthlyTotal(extractSpendFigures('$600 per year')), 50);
  });
});

void describe('recommendOptimizations', () => {
  void it('computes non-overlapping savings from the figures', () => {
    const b = analyseCostBreakdown(extractSpendFigures('$10,000 a month, $6,000 of it on GPT-4'), null);
    const plan = recommendOptimizations(b);
    const tiering = plan.recommendations.find((r) => r.category === 'model_tiering');
    assert.equal(tiering?.title, 'Route routine requests from gpt-4 to gpt-4o-mini');
    assert.equal(tiering?.estimated_monthly_savings, 2208); // 6000 × 40% × (1 − 8%)
    const sum = plan.recommendations.reduce((s, r) => s + (r.estimated_monthly_savings ?? 0), 0);
    assert.ok(Math.abs(sum - (plan.total_monthly_savings ?? 0)) < 0.05);
    assert.ok((plan.total_monthly_savings ?? 0) < 10000);
    assert.equal(plan.monthly_after_savings, Math.round((10000 - (plan.total_monthly_savings ?? 0)) * 100) / 100);
    assert.ok(plan.recommendations.every((r) => r.title.length > 0));
  });

  void it('skips model tiering when only small models are used', () => {
    const plan = recommendOptimizations(analyseCostBreakdown(extractSpendFigures('$2,000/month on gpt-4o-mini'), null));
    assert.ok(!plan.recommendations.some((r) => r.category === 'model_tiering'));
  });

  void it('invents no amounts without figures', () => {
    const plan = recommendOptimizations(analyseCostBreakdown(extractSpendFigures('optimize my costs'), null));
    assert.equal(plan.total_monthly_savings, null);
    assert.ok(plan.recommendations.length > 0 && plan.recommendations.every((r) => r.title && r.estimated_monthly_savings === null));
  });

  void it('formats money', () => {
    assert.equal(formatMoney(12400, 'USD'), '$12,400');
    assert.equal(formatMoney(0.425, 'EUR'), '€0.43');
  });
});
