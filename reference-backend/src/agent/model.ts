import type { RunResult } from '../frames/server-frames';

/**
 * The provider interface of the agent: given what happened so far, decide
 * the next step. The bundled implementation is deterministic and rule-based;
 * an LLM-backed provider implements the same interface.
 */
export interface AgentModel {
  readonly name: string;
  nextStep(state: AgentState): Promise<AgentStep>;
}

export type AgentStep =
  | { readonly kind: 'thought'; readonly thought: string }
  | { readonly kind: 'tool_call'; readonly toolName: string; readonly args: Record<string, unknown> }
  | { readonly kind: 'final_answer'; readonly result: RunResult };

export type CompletedStep =
  | { readonly kind: 'thought'; readonly thought: string }
  | { readonly kind: 'tool_result'; readonly toolName: string; readonly args: Record<string, unknown>; readonly result: Record<string, unknown> };

export interface AgentState {
  /** The user's message that started the run. */
  readonly request: string;
  readonly steps: readonly CompletedStep[];
}
