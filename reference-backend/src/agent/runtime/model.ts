import type { RunResult } from '../../frames/server-frames';

/**
 * The provider interface of the agent: given what happened so far, decide
 * the next step. The bundled implementation (advisor/) is deterministic and
 * rule-based; an LLM-backed provider implements the same interface, and is
 * chosen with AGENT_MODEL (see ../models.ts).
 */
export interface AgentModel {
  /** Shown as `agent_started.agent_name`. */
  readonly name: string;
  /**
   * The next step. `signal` is aborted when the server shuts down: a provider
   * waiting on a remote model should give up then (the run ends with an error).
   */
  nextStep(state: AgentState, signal: AbortSignal): Promise<AgentStep>;
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
