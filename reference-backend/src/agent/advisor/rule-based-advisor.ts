import type { Recommendation, RunResult } from '../../frames/server-frames';
import type { CostBreakdown } from './cost-analysis';
import type { AgentModel, AgentState, AgentStep, CompletedStep } from '../runtime/model';
import { formatMoney, formatPercent } from './money';
import type { OptimizationPlan } from './optimizations';
import { extractSpendFigures, hasFigures, type SpendFigures } from './spend-figures';

export const ADVISOR_AGENT_NAME = 'ai-spend-advisor';

const COST_INTENT = /\b(costs?|costing|spend\w*|spent|budget\w*|bill\w*|invoice\w*|pric\w+|expens\w+|optimi[sz]\w*|sav(?:e|es|ing|ings)|cheaper|reduce|cut|tokens?|roi)\b/i;

/** True when the message asks about AI costs, or carries spend figures. */
export function isCostRequest(text: string): boolean {
  return COST_INTENT.test(text) || hasFigures(extractSpendFigures(text));
}

/**
 * Deterministic AI-spend advisor. Plan for a cost request:
 * think → extract figures → look up history → think → analyse → recommend →
 * think → answer. Anything else: think → answer with how to get a costed plan.
 */
export class RuleBasedSpendAdvisor implements AgentModel {
  readonly name = ADVISOR_AGENT_NAME;

  /** Decides at once, from the state alone: nothing to abort. */
  nextStep(state: AgentState): Promise<AgentStep> {
    return Promise.resolve(decide(state));
  }
}

function decide(state: AgentState): AgentStep {
  const { request, steps } = state;
  const costRequest = isCostRequest(request);
  if (steps.length === 0) return thought(openingThought(request, costRequest));
  if (!costRequest) return { kind: 'final_answer', result: greetingAnswer() };

  const extracted = toolResult(steps, 'extract_spend_figures');
  if (extracted === undefined) return toolCall('extract_spend_figures', { text: request });
  const history = toolResult(steps, 'lookup_spend_history');
  if (history === undefined) return toolCall('lookup_spend_history', {});

  const figures = extracted['figures'] as SpendFigures;
  const previousTotal = (history['previous_monthly_total'] as number | null) ?? null;
  const analysis = toolResult(steps, 'analyse_cost_breakdown');
  if (analysis === undefined) {
    if (lastStep(steps)?.kind !== 'thought') return thought(figuresThought(figures, previousTotal));
    return toolCall('analyse_cost_breakdown', { figures, previous_monthly_total: previousTotal });
  }
  const breakdown = analysis['breakdown'] as CostBreakdown;
  const recommended = toolResult(steps, 'recommend_optimizations');
  if (recommended === undefined) return toolCall('recommend_optimizations', { breakdown });

  const plan = recommended['plan'] as OptimizationPlan;
  if (lastStep(steps)?.kind !== 'thought') return thought(planThought(plan));
  return { kind: 'final_answer', result: costAnswer(breakdown, plan) };
}

function thought(text: string): AgentStep {
  return { kind: 'thought', thought: text };
}

function toolCall(toolName: string, args: Record<string, unknown>): AgentStep {
  return { kind: 'tool_call', toolName, args };
}

function toolResult(steps: readonly CompletedStep[], toolName: string): Record<string, unknown> | undefined {
  for (const step of steps) if (step.kind === 'tool_result' && step.toolName === toolName) return step.result;
  return undefined;
}

function lastStep(steps: readonly CompletedStep[]): CompletedStep | undefined {
  return steps[steps.length - 1];
}

function openingThought(request: string, costRequest: boolean): string {
  const words = request.trim().split(/\s+/).length;
  return costRequest
    ? `The request (${words} words) is about AI spend; I will extract the figures, compare them with earlier ones and cost out optimizations.`
    : `The request (${words} words) carries no spend figures or cost question; I will explain what I can analyse.`;
}

function figuresThought(figures: SpendFigures, previousTotal: number | null): string {
  const parts = [
    `${figures.amounts.length} amount(s)`,
    `${figures.percentages.length} percentage(s)`,
    `${figures.tokens.length} token volume(s)`,
    `${figures.models.length} model(s)${figures.models.length > 0 ? ` (${figures.models.map((m) => m.name).join(', ')})` : ''}`,
  ];
  const history = previousTotal === null ? 'no earlier figure on record' : `an earlier monthly total of ${formatMoney(previousTotal, figures.amounts[0]?.currency ?? 'USD')}`;
  return `Found ${parts.join(', ')}; ${history}. Next: the cost breakdown.`;
}

function planThought(plan: OptimizationPlan): string {
  if (plan.total_monthly_savings === null) return `Without figures I can only recommend measuring first; ${plan.recommendations.length} recommendation(s) prepared.`;
  return `${plan.recommendations.length} recommendations add up to ${formatMoney(plan.total_monthly_savings, plan.currency)} per month (${formatPercent(plan.savings_fraction ?? 0)}); writing the summary.`;
}

function greetingAnswer(): RunResult {
  return {
    summary:
      'I am the AI spend advisor. Tell me what you spend on AI models, for example "$12,400 a month, 65% on GPT-4, 2B tokens", ' +
      'and I will break the bill down, project it over a year and cost out concrete optimizations.',
    recommendations: [
      {
        title: 'Share your monthly AI spend and model mix',
        category: 'measurement',
        description: 'Monthly amount, the models you use and their shares, and token volumes if you have them.',
        estimated_monthly_savings: null,
      },
    ],
  };
}

function costAnswer(breakdown: CostBreakdown, plan: OptimizationPlan): RunResult {
  const money = (v: number): string => formatMoney(v, breakdown.currency);
  const recommendations: Recommendation[] = plan.recommendations.map((r) => ({ ...r }));
  const total = breakdown.monthly_total;
  if (total === null) {
    return {
      summary: 'I found no spend figures in your message or in earlier ones, so here is how to get a costed plan: measure spend per model and feature, then send me the monthly numbers.',
      recommendations,
    };
  }
  const sentences = [`Your AI spend is about ${money(total)} per month (${money(breakdown.annual_total ?? total * 12)} per year).`];
  const top = breakdown.lines[0];
  if (top !== undefined) sentences.push(`The largest line is ${top.label} at ${money(top.monthly)} (${formatPercent(top.share)}).`);
  if (breakdown.change_vs_previous_pct !== null && breakdown.previous_monthly_total !== null) {
    const change = breakdown.change_vs_previous_pct;
    sentences.push(`That is ${change >= 0 ? 'up' : 'down'} ${Math.round(Math.abs(change))}% from the ${money(breakdown.previous_monthly_total)} you mentioned earlier.`);
  }
  if (breakdown.projected_next_12_months_total !== null && breakdown.monthly_growth_pct !== null && breakdown.monthly_growth_pct > 0) {
    sentences.push(`At ${breakdown.monthly_growth_pct}% monthly growth the next 12 months cost ${money(breakdown.projected_next_12_months_total)}.`);
  }
  if (breakdown.cost_per_million_tokens !== null) sentences.push(`You pay about ${money(breakdown.cost_per_million_tokens)} per million tokens.`);
  if (plan.total_monthly_savings !== null) {
    sentences.push(
      `The ${plan.recommendations.length} recommendations below could save about ${money(plan.total_monthly_savings)} per month ` +
        `(${formatPercent(plan.savings_fraction ?? 0)}, ${money(plan.total_annual_savings ?? 0)} per year), bringing the bill to ${money(plan.monthly_after_savings ?? total)} per month.`,
    );
  }
  return { summary: sentences.join(' '), recommendations };
}
