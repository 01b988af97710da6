import { analyseCostBreakdown, statedMonthlyTotal, type CostBreakdown } from './cost-analysis';
import { recommendOptimizations } from './optimizations';
import { extractSpendFigures, hasFigures, type SpendFigures } from './spend-figures';
import type { AgentTool, ToolContext } from '../runtime/tool-registry';

/**
 * The AI-spend advisor's tools. Their arguments come from a model; the
 * runtime checks them against `parameters` before `execute` is called, so
 * `execute` only reads them.
 */

const nullableNumber = { type: ['number', 'null'] } as const;
const list = { type: 'array' } as const;

/** What extract_spend_figures returns as `figures` (spend-figures.ts). */
const SPEND_FIGURES_SCHEMA = {
  type: 'object',
  required: ['amounts', 'percentages', 'tokens', 'models'],
  properties: { amounts: list, percentages: list, tokens: list, models: list },
} as const;

/** What analyse_cost_breakdown returns as `breakdown` (cost-analysis.ts), as far as recommend_optimizations reads it. */
const COST_BREAKDOWN_SCHEMA = {
  type: 'object',
  required: ['currency', 'monthly_total', 'lines', 'models', 'monthly_growth_pct', 'projected_monthly_in_12_months'],
  properties: {
    currency: { enum: ['USD', 'EUR', 'GBP'] },
    monthly_total: nullableNumber,
    lines: list,
    models: list,
    monthly_growth_pct: nullableNumber,
    projected_monthly_in_12_months: nullableNumber,
  },
} as const;

export const extractSpendFiguresTool: AgentTool = {
  name: 'extract_spend_figures',
  description: 'Parse amounts, periods, percentages, token volumes and model names out of text.',
  parameters: { type: 'object', required: ['text'], properties: { text: { type: 'string', description: 'the text to read figures from' } } },
  execute: (args) => {
    const figures = extractSpendFigures(args['text'] as string);
    return Promise.resolve({ figures, found_figures: hasFigures(figures), stated_monthly_total: statedMonthlyTotal(figures) });
  },
};

/** Source of a user's earlier messages (PostgreSQL in production). */
export interface SpendHistorySource {
  earlierUserMessages(userId: ToolContext['userId'], excludingRunId: ToolContext['runId'], limit: number): Promise<{ content: string; createdAt: Date }[]>;
}

const HISTORY_LIMIT = 20;

export function lookupSpendHistoryTool(source: SpendHistorySource): AgentTool {
  return {
    name: 'lookup_spend_history',
    description: "Find spend figures in the user's earlier messages.",
    parameters: { type: 'object', properties: {} },
    execute: async (_args, context) => {
      const messages = await source.earlierUserMessages(context.userId, context.runId, HISTORY_LIMIT);
      const earlier = messages
        .map((m) => ({ at: m.createdAt.toISOString(), monthly_total: statedMonthlyTotal(extractSpendFigures(m.content)) }))
        .filter((e): e is { at: string; monthly_total: number } => e.monthly_total !== null);
      return {
        messages_considered: messages.length,
        earlier_monthly_totals: earlier,
        previous_monthly_total: earlier[0]?.monthly_total ?? null,
      };
    },
  };
}

export const analyseCostBreakdownTool: AgentTool = {
  name: 'analyse_cost_breakdown',
  description: 'Monthly total, per-model shares, annual and growth projections, token economics.',
  parameters: {
    type: 'object',
    required: ['figures'],
    properties: { figures: SPEND_FIGURES_SCHEMA, previous_monthly_total: { ...nullableNumber, description: 'an earlier monthly total to compare with' } },
  },
  execute: (args) => {
    const breakdown = analyseCostBreakdown(args['figures'] as SpendFigures, (args['previous_monthly_total'] as number | null | undefined) ?? null);
    return Promise.resolve({ breakdown });
  },
};

export const recommendOptimizationsTool: AgentTool = {
  name: 'recommend_optimizations',
  description: 'Costed recommendations: model tiering, prompt caching, batching, output control, budgets.',
  parameters: { type: 'object', required: ['breakdown'], properties: { breakdown: COST_BREAKDOWN_SCHEMA } },
  execute: (args) => Promise.resolve({ plan: recommendOptimizations(args['breakdown'] as CostBreakdown) }),
};
