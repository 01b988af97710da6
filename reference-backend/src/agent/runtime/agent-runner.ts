import { ErrorCode } from '../../../../protocol/constants';
import { newToolCallId, type ToolCallId } from '../../domain/ids';
import type { RunError, RunEventData, RunResult } from '../../frames/server-frames';
import { RunPersistenceError, type RunEvents } from '../../runs/run-events';
import { AbortedError, delay } from '../../util/timing';
import type { AgentModel, AgentState, CompletedStep } from './model';
import type { ToolContext, ToolExecutor } from './tool-registry';

/** Upper bound on model steps, so a misbehaving model cannot loop forever. */
const MAX_STEPS = 32;

export type RunOutcome = { readonly status: 'success'; readonly result: RunResult } | { readonly status: 'error'; readonly error: RunError };

export interface AgentRunnerDeps {
  readonly model: AgentModel;
  readonly tools: ToolExecutor;
  /** Where the run's events go. */
  readonly events: RunEvents;
  /** Each step (a thought, a tool call) takes at least this long. */
  readonly stepDelayMs: number;
  /** Aborted when the server shuts down. */
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

class ToolFailedError extends Error {
  constructor(toolName: string, cause: unknown) {
    super(`tool ${toolName} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ToolFailedError';
  }
}

class ResultNotStoredError extends Error {
  constructor(cause: unknown) {
    super(`the answer could not be stored: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ResultNotStoredError';
  }
}

class StepLimitError extends Error {
  override name = 'StepLimitError';
}

/** What a run's failure is reported as in `agent_completed.error`. */
export function runErrorFor(err: unknown): RunError {
  if (err instanceof RunPersistenceError || err instanceof ResultNotStoredError) {
    return { code: ErrorCode.SERVICE_UNAVAILABLE, message: `${err.message}; PostgreSQL is unavailable`, retryable: true };
  }
  if (err instanceof AbortedError) return { code: 'SHUTTING_DOWN', message: 'the server is shutting down', retryable: true };
  if (err instanceof ToolFailedError) return { code: 'TOOL_FAILED', message: err.message, retryable: true };
  if (err instanceof StepLimitError) return { code: ErrorCode.INTERNAL, message: err.message, retryable: false };
  return { code: ErrorCode.INTERNAL, message: 'the agent failed unexpectedly', retryable: false };
}

/**
 * Drives one run: asks the model for steps, executes tools, and emits the five
 * run events. Failure is never silent: any error ends the run with
 * tool_completed(error) for each open tool call, then agent_completed(error).
 */
export class AgentRunner {
  private readonly openToolCalls = new Map<ToolCallId, { toolName: string; startedAt: number }>();
  private readonly now: () => number;
  private thoughts = 0;
  private startedAt = 0;

  constructor(
    private readonly deps: AgentRunnerDeps,
    private readonly context: ToolContext,
  ) {
    this.now = deps.now ?? Date.now;
  }

  async run(request: string): Promise<RunOutcome> {
    const { events, model } = this.deps;
    this.startedAt = this.now();
    try {
      await events.emit('agent_started', { agent_name: model.name });
      const result = await this.runSteps(request);
      await this.ensureThought('Composing the answer.');
      await this.announceSuccess(result);
      return { status: 'success', result };
    } catch (err) {
      const error = runErrorFor(await this.rootCause(err));
      await this.announceFailure(error);
      await events.flush();
      return { status: 'error', error };
    }
  }

  /**
   * A run that fails before the agent is asked anything (PostgreSQL was lost
   * before the run could be recorded as started): it still starts, shows a
   * thought and ends with a retryable error.
   */
  async failBeforeStart(cause: unknown): Promise<RunOutcome> {
    const { events, model } = this.deps;
    this.startedAt = this.now();
    const error = runErrorFor(new RunPersistenceError(cause));
    await events.emitFinal('agent_started', { agent_name: model.name });
    await this.announceFailure(error);
    await events.flush();
    return { status: 'error', error };
  }

  /**
   * Events are stored behind the agent's back (group commit), so a tool can
   * trip over a lost database before the event write does. Once the writes in
   * flight are settled, a lost event store is reported as the cause.
   */
  private async rootCause(err: unknown): Promise<unknown> {
    if (err instanceof RunPersistenceError || err instanceof ResultNotStoredError) return err;
    await this.deps.events.flush();
    return this.deps.events.persistenceFailure ?? err;
  }

  private async runSteps(request: string): Promise<RunResult> {
    const steps: CompletedStep[] = [];
    const state: AgentState = { request, steps };
    for (let i = 0; i < MAX_STEPS; i += 1) {
      if (this.deps.signal.aborted) throw new AbortedError();
      const step = await this.deps.model.nextStep(state, this.deps.signal);
      if (step.kind === 'final_answer') return step.result;
      if (step.kind === 'thought') {
        await this.think(step.thought);
        await this.stepDelay();
        steps.push(step);
      } else {
        const result = await this.callTool(step.toolName, step.args);
        steps.push({ kind: 'tool_result', toolName: step.toolName, args: step.args, result });
      }
    }
    throw new StepLimitError(`the agent took more than ${MAX_STEPS} steps`);
  }

  /** A step lasts at least the configured step delay; shutdown interrupts the wait. */
  private stepDelay(): Promise<void> {
    return delay(this.deps.stepDelayMs, this.deps.signal);
  }

  private async think(thought: string, final = false): Promise<void> {
    this.thoughts += 1;
    const data = { thought, step: this.thoughts };
    if (final) await this.deps.events.emitFinal('agent_thinking', data);
    else await this.deps.events.emit('agent_thinking', data);
  }

  /** Every run shows at least one agent_thinking before agent_completed. */
  private async ensureThought(thought: string, final = false): Promise<void> {
    if (this.thoughts === 0) await this.think(thought, final);
  }

  private async callTool(toolName: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const toolCallId = newToolCallId();
    const startedAt = this.now();
    // Open before emitting: an event that fails to persist is still delivered, and must then be closed.
    this.openToolCalls.set(toolCallId, { toolName, startedAt });
    await this.deps.events.emit('tool_executing', { tool_call_id: toolCallId, tool_name: toolName, args });
    const execution = (async () => {
      try {
        return await this.deps.tools.execute(toolName, args, this.context);
      } catch (err) {
        throw new ToolFailedError(toolName, err);
      }
    })();
    // The call lasts at least the step delay. On shutdown the wait is cut short and the
    // still-open call is closed by the failure path; a late tool result is then ignored.
    const [result] = await Promise.all([execution, this.stepDelay()]);
    await this.emitToolCompleted({
      tool_call_id: toolCallId,
      tool_name: toolName,
      status: 'success',
      result,
      duration_ms: this.now() - startedAt,
    });
    return result;
  }

  private async emitToolCompleted(completion: RunEventData['tool_completed'], final = false): Promise<void> {
    // Closed before emitting: the event is delivered even when persisting it fails.
    this.openToolCalls.delete(completion.tool_call_id);
    if (final) await this.deps.events.emitFinal('tool_completed', completion);
    else await this.deps.events.emit('tool_completed', completion);
  }

  private async announceSuccess(result: RunResult): Promise<void> {
    const completed: RunEventData['agent_completed'] = { status: 'success', result, duration_ms: this.now() - this.startedAt };
    // Stored in one statement with the answer (the thread's assistant message) and the run's success.
    try {
      await this.deps.events.complete(completed, result.summary);
    } catch (err) {
      throw new ResultNotStoredError(err);
    }
  }

  private async announceFailure(error: RunError): Promise<void> {
    await this.ensureThought(`The run cannot finish: ${error.message}.`, true);
    for (const [toolCallId, call] of [...this.openToolCalls]) {
      await this.emitToolCompleted(
        { tool_call_id: toolCallId, tool_name: call.toolName, status: 'error', error, duration_ms: this.now() - call.startedAt },
        true,
      );
    }
    await this.deps.events.emitFinal('agent_completed', { status: 'error', error, duration_ms: this.now() - this.startedAt });
  }
}
