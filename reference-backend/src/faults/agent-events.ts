import type { RunEventType } from '../../../protocol/constants';
import { newRunId } from '../domain/ids';
import type { RunError, RunEventData } from '../frames/server-frames';
import type { RunEvents } from '../runs/run-events';
import { encoderWith, runEventsWith } from './delegation';
import type { FaultWrapper } from './fault-wrapper';

/**
 * Faults of the area agent_events: the five run events (protocol §5). Each
 * wraps one run's RunEvents (what the agent emits) or its RunEventEncoder
 * (how events are numbered and serialized).
 */

type ToolCompleted = RunEventData['tool_completed'];

const isToolEvent = (type: RunEventType): boolean => type === 'tool_executing' || type === 'tool_completed';

/**
 * Holds each tool_completed back until the next one, so that the run's last
 * one can be dropped or sent after agent_completed. A run that fails while
 * one is held ends it with an error, as it would any open tool call (and in
 * the same place: before the other open calls and agent_completed).
 */
function holdingLastToolCompletion(events: RunEvents, onSuccess: 'drop' | 'send_after_completion'): RunEvents {
  let held: { readonly completion: ToolCompleted; readonly heldAt: number } | null = null;
  const take = (): ToolCompleted | null => {
    const completion = held?.completion ?? null;
    held = null;
    return completion;
  };
  const endHeldAsError = async (error: RunError): Promise<void> => {
    const heldAt = held?.heldAt ?? Date.now();
    const completion = take();
    if (completion === null) return;
    const { tool_call_id, tool_name, duration_ms } = completion;
    await events.emitFinal('tool_completed', { tool_call_id, tool_name, status: 'error', error, duration_ms: duration_ms + (Date.now() - heldAt) });
  };
  return runEventsWith(events, {
    emit: async (type, data) => {
      if (type !== 'tool_completed') return events.emit(type, data);
      const previous = take();
      held = { completion: data as ToolCompleted, heldAt: Date.now() };
      if (previous !== null) await events.emit('tool_completed', previous);
    },
    emitFinal: async (type, data) => {
      if (type === 'tool_completed' || type === 'agent_completed') {
        const { error } = data as { error?: RunError };
        if (error !== undefined) await endHeldAsError(error);
      }
      await events.emitFinal(type, data);
    },
    complete: async (data, answer) => {
      await events.complete(data, answer); // when it throws, the failure path ends the held call
      const last = take();
      if (last !== null && onSuccess === 'send_after_completion') await events.emitFinal('tool_completed', last);
    },
  });
}

export const AGENT_EVENT_FAULTS = {
  no_thinking: () => ({
    runEvents: (events) =>
      runEventsWith(events, {
        emit: (type, data) => (type === 'agent_thinking' ? Promise.resolve() : events.emit(type, data)),
        emitFinal: (type, data) => (type === 'agent_thinking' ? Promise.resolve() : events.emitFinal(type, data)),
      }),
  }),

  unpaired_tool: () => ({ runEvents: (events) => holdingLastToolCompletion(events, 'drop') }),

  completed_before_tool: () => ({ runEvents: (events) => holdingLastToolCompletion(events, 'send_after_completion') }),

  seq_gap: () => ({
    runEventEncoder: (encoder) => {
      let gapped = false;
      return encoderWith(encoder, {
        encode: (type, data) => {
          const event = encoder.encode(type, data);
          if (!gapped && isToolEvent(type)) {
            gapped = true;
            encoder.continueFrom(event.seq + 2); // one number skipped
          }
          return event;
        },
      });
    },
  }),

  wrong_run_id: () => ({
    runEventEncoder: (encoder) => {
      let used = false;
      return encoderWith(encoder, {
        encode: (type, data) => {
          const event = encoder.encode(type, data);
          if (type !== 'agent_thinking' || used) return event;
          used = true;
          const frame = JSON.parse(event.frameText) as Record<string, unknown>;
          frame['run_id'] = newRunId(); // key order is kept: the text differs only in the id
          return { ...event, frameText: JSON.stringify(frame) };
        },
      });
    },
  }),

  empty_recommendations: () => ({
    runEvents: (events) =>
      runEventsWith(events, {
        complete: (data, answer) => events.complete(data.status === 'success' ? { ...data, result: { ...data.result, recommendations: [] } } : data, answer),
      }),
  }),

  // A failed run's completion says only that it failed: the error object is dropped, as a serializer that knows only `result` would.
  failure_unexplained: () => ({
    runEvents: (events) =>
      runEventsWith(events, {
        emitFinal: (type, data) => {
          if (type !== 'agent_completed') return events.emitFinal(type, data);
          const unexplained: Record<string, unknown> = { ...data };
          delete unexplained.error;
          return events.emitFinal(type, unexplained as typeof data);
        },
      }),
  }),

  started_twice: () => ({
    runEvents: (events) => {
      // agent_started is emitted again once the first step is done (its thought or its tool call), before what follows.
      let agentName: string | null = null;
      let firstStepDone = false;
      let startedAgain = false;
      const startAgain = async (emit: RunEvents['emit']): Promise<void> => {
        if (!firstStepDone || startedAgain || agentName === null) return;
        startedAgain = true;
        await emit('agent_started', { agent_name: agentName });
      };
      return runEventsWith(events, {
        emit: async (type, data) => {
          await startAgain((t, d) => events.emit(t, d));
          await events.emit(type, data);
          if (type === 'agent_started') agentName = (data as RunEventData['agent_started']).agent_name;
          else if (type === 'agent_thinking' || type === 'tool_completed') firstStepDone = true;
        },
        emitFinal: async (type, data) => {
          await startAgain((t, d) => events.emitFinal(t, d));
          await events.emitFinal(type, data);
        },
        complete: async (data, answer) => {
          await startAgain((t, d) => events.emit(t, d));
          await events.complete(data, answer);
        },
      });
    },
  }),

  silent_failure: () => ({
    // The failure path emits only through emitFinal: nothing of it goes out.
    runEvents: (events) => runEventsWith(events, { emitFinal: () => Promise.resolve() }),
  }),

  no_thought_on_failure: () => ({
    // The failure path's own thought (for a run that fails before its first one) is never emitted.
    runEvents: (events) => runEventsWith(events, { emitFinal: (type, data) => (type === 'agent_thinking' ? Promise.resolve() : events.emitFinal(type, data)) }),
  }),

  tool_events_hidden: () => ({
    // Tool calls are taken for internal steps and not streamed: the tools still run, but no tool event goes out.
    runEvents: (events) =>
      runEventsWith(events, {
        emit: (type, data) => (isToolEvent(type) ? Promise.resolve() : events.emit(type, data)),
        emitFinal: (type, data) => (isToolEvent(type) ? Promise.resolve() : events.emitFinal(type, data)),
      }),
  }),
} satisfies Record<string, FaultWrapper>;
