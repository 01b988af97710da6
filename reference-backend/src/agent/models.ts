import { RuleBasedSpendAdvisor } from './advisor/rule-based-advisor';
import type { AgentModel } from './runtime/model';
import type { ToolDescription } from './runtime/tool-registry';

/** What a model is built with. */
export interface ModelContext {
  /** The tools it may call (an LLM provider hands them to its API as function definitions). */
  readonly tools: readonly ToolDescription[];
}

export type ModelFactory = (context: ModelContext) => AgentModel;

/**
 * The models AGENT_MODEL can name. A real LLM provider is one more module
 * implementing AgentModel (runtime/model.ts) and its line here.
 */
export const AGENT_MODELS = {
  /** The deterministic AI-spend advisor (advisor/). */
  advisor: () => new RuleBasedSpendAdvisor(),
} as const satisfies Readonly<Record<string, ModelFactory>>;

export type AgentModelName = keyof typeof AGENT_MODELS;

export const DEFAULT_AGENT_MODEL: AgentModelName = 'advisor';

export const AGENT_MODEL_NAMES = Object.keys(AGENT_MODELS) as AgentModelName[];

export function isAgentModelName(name: string): name is AgentModelName {
  return Object.hasOwn(AGENT_MODELS, name);
}

export function createAgentModel(name: AgentModelName, context: ModelContext): AgentModel {
  const create: ModelFactory = AGENT_MODELS[name];
  return create(context);
}
