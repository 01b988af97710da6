import type { RunEventType } from '../../../protocol/constants';
import type { RunError, RunEventData } from '../frames/server-frames';
import { serializeRunEvent } from '../frames/server-frames';
import type { OrphanedRunState, RunEnding } from '../storage/lease-store';
import type { NewRunEvent } from '../storage/run-store';

/** The error a run of a dead instance ends with (protocol §5: retryable). */
export const INSTANCE_LOST = 'INSTANCE_LOST';

/** What the events stored so far say about the run. */
interface StoredRun {
  started: boolean;
  thoughts: number;
  lastStep: number;
  completed: boolean;
  /** tool_executing without its tool_completed, in order. */
  open: Map<string, { toolName: string; at: number }>;
}

function readStored(events: OrphanedRunState['events']): StoredRun {
  const run: StoredRun = { started: false, thoughts: 0, lastStep: 0, completed: false, open: new Map() };
  for (const event of events) {
    const frame = JSON.parse(event.frameText) as { timestamp?: string; data?: Record<string, unknown> };
    const data = frame.data ?? {};
    switch (event.type) {
      case 'agent_started':
        run.started = true;
        break;
      case 'agent_thinking':
        run.thoughts += 1;
        run.lastStep = Math.max(run.lastStep, typeof data.step === 'number' ? data.step : 0);
        break;
      case 'tool_executing':
        run.open.set(String(data.tool_call_id), { toolName: String(data.tool_name), at: Date.parse(frame.timestamp ?? '') });
        break;
      case 'tool_completed':
        run.open.delete(String(data.tool_call_id));
        break;
      case 'agent_completed':
        run.completed = true;
        break;
    }
  }
  return run;
}

/**
 * How a run whose instance died is ended (protocol §5): it goes on from the
 * last stored event with what the five-event rules still need — agent_started
 * if it never started, a thought if none was shown, tool_completed(error) for
 * every open tool call — then agent_completed(error, retryable). A run whose
 * agent_completed was stored already (its status not) gets no event.
 */
export function deadRunEnding(run: OrphanedRunState, agentName: string, now = Date.now()): RunEnding {
  const stored = readStored(run.events);
  const error: RunError = {
    code: INSTANCE_LOST,
    message: `the instance running this answer${run.ownerInstance === null ? '' : ` (${run.ownerInstance})`} stopped before it finished; ask again`,
    retryable: true,
  };
  if (stored.completed) return { events: [], errorCode: INSTANCE_LOST };
  const events: NewRunEvent[] = [];
  let seq = run.events.reduce((last, event) => Math.max(last, event.seq), 0);
  const header = { runId: run.runId, threadId: run.threadId, userId: run.userId };
  const add = <T extends RunEventType>(type: T, data: RunEventData[T]): void => {
    seq += 1;
    events.push({ seq, type, frameText: serializeRunEvent(type, { ...header, seq }, data) });
  };
  if (!stored.started) add('agent_started', { agent_name: agentName });
  if (stored.thoughts === 0) add('agent_thinking', { thought: 'The instance running this answer stopped; the run cannot finish.', step: stored.lastStep + 1 });
  for (const [toolCallId, call] of stored.open) {
    const since = Number.isFinite(call.at) ? call.at : run.startedAt;
    add('tool_completed', { tool_call_id: toolCallId as RunEventData['tool_completed']['tool_call_id'], tool_name: call.toolName, status: 'error', error, duration_ms: Math.max(0, now - since) });
  }
  add('agent_completed', { status: 'error', error, duration_ms: Math.max(0, now - run.startedAt) });
  return { events, errorCode: INSTANCE_LOST };
}
