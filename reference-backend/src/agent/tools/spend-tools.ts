import { analyseCostBreakdown, statedMonthlyTotal, type CostBreakdown } from '../cost-analysis';
import { recommendOptimizations } from '../optimizations';
import { extractSpendFigures, hasFigures, type SpendFigures } from '../spend-figures';
import type { AgentTool, ToolContext } from './tool';

/**
 * The AI-spend advisor's tools. Each validates its arguments (they come from
 * a model) and computes from the user's numbers or from stored history.
 */

export class InvalidToolArgumentsError extends Error {
  override name = 'InvalidToolArgumentsError';
}

function requireString(args: Record<string, unknown>, key: string): string {
  const value = args[key];
  if (typeof value !== 'string') throw new InvalidToolArgumentsError(`"${key}" must be a string`);
  return value;
}

function requireObject<T>(args: Record<string, unknown>, key: string): T {
  const value = args[key];
  if (typeof value !== 'object' || value === null) throw new InvalidToolArgumentsError(`"${key}" must be an object`);
  return value as T;
}

function optionalNumber(args: Record<string, unknown>, key: string): number | null {
  const value = args[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidToolArgumentsError(`"${key}" must be a number`);
  return value;
}

export const extractSpendFiguresTool: AgentTool = {
  name: 'extract_spend_figures',
  description: 'Parse amounts, periods, percentages, token volumes and model names out of text.',
  execute: (args) => {
    const figures = extractSpendFigures(requireString(args, 'text'));
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
  execute: (args) => {
    const breakdown = analyseCostBreakdown(requireObject<SpendFigures>(args, 'figures'), optionalNumber(args, 'previous_monthly_total'));
    return Promise.resolve({ breakdown });
  },
};

export const recommendOptimizationsTool: AgentTool = {
  name: 'recommend_optimizations',
  description: 'Costed recommendations: model tiering, prompt caching, batching, output control, budgets.',
  execute: (args) => Promise.resolve({ plan: recommendOptimizations(requireObject<CostBreakdown>(args, 'breakdown')) }),
};
