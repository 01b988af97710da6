import type { RunId, ThreadId, UserId } from '../src/domain/ids';
import type { RunEventType } from '../../protocol/constants';
import { decorate } from '../src/decorators';
import type { FaultName } from '../src/faults/catalogue';
import { plantFaults } from '../src/faults';
import { SequentialRunEventEncoder } from '../src/runs/run-event-encoder';
import { RunEventEmitter } from '../src/runs/run-event-emitter';
import type { RunEvents, RunEventSink, RunIdentity } from '../src/runs/run-events';
import type { NewRunEvent, RunAnswer, RunEventStore } from '../src/storage/run-store';

/** In-memory event store; can be told to start failing. Records each write (batch) and the stored answers. */
export class MemoryEventStore implements RunEventStore {
  readonly events: { runId: RunId; seq: number; type: RunEventType; frameText: string }[] = [];
  readonly batches: number[][] = [];
  readonly answers: RunAnswer[] = [];
  /** A write containing an event with this seq or a higher one fails, storing nothing. */
  failFromSeq = Infinity;

  appendEvents(runId: RunId, events: readonly NewRunEvent[], answer?: RunAnswer): Promise<void> {
    if (events.some((e) => e.seq >= this.failFromSeq)) return Promise.reject(new Error('connection terminated'));
    this.batches.push(events.map((e) => e.seq));
    for (const { seq, type, frameText } of events) this.events.push({ runId, seq, type, frameText });
    if (answer !== undefined) this.answers.push(answer);
    return Promise.resolve();
  }
}

/** An event store whose writes wait until the test settles them: a slow database. */
export class ManualEventStore implements RunEventStore {
  readonly writes: { seqs: number[]; answer: RunAnswer | undefined; settle: (ok: boolean) => void }[] = [];

  appendEvents(_runId: RunId, events: readonly NewRunEvent[], answer?: RunAnswer): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (ok: boolean): void => (ok ? resolve() : reject(new Error('connection terminated')));
      this.writes.push({ seqs: events.map((e) => e.seq), answer, settle });
    });
  }
}

export interface DeliveredFrame {
  type: RunEventType;
  seq: number;
  run_id: string;
  thread_id: string;
  user_id: string;
  data: Record<string, unknown>;
}

/** Collects delivered frames (parsed) and their raw text. */
export class CollectingSink implements RunEventSink {
  readonly texts: string[] = [];

  deliver(_run: RunIdentity, _seq: number, frameText: string): void {
    this.texts.push(frameText);
  }

  get frames(): DeliveredFrame[] {
    return this.texts.map((t) => JSON.parse(t) as DeliveredFrame);
  }

  types(): string[] {
    return this.frames.map((f) => f.type);
  }
}

export const RUN: RunIdentity = {
  runId: '11111111-1111-4111-8111-111111111111' as RunId,
  threadId: '22222222-2222-4222-8222-222222222222' as ThreadId,
  userId: 'user-1' as UserId,
};

/** A run's events as the server builds them, wrapped by the given planted faults. */
export function runEventsWithFaults(
  faults: readonly FaultName[],
  store: RunEventStore,
  sink: RunEventSink,
  run: RunIdentity = RUN,
): RunEventEmitter | RunEvents {
  const decorators = plantFaults(faults);
  const encoder = decorate(decorators.runEventEncoder, new SequentialRunEventEncoder(run), { run });
  return decorate(decorators.runEvents, new RunEventEmitter(run, store, sink, encoder), { run });
}

/** One turn of the event loop: what was queued has run. */
export const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** agent_completed data of a successful and of a failed run. */
export const SUCCESS = { status: 'success', result: { summary: 's', recommendations: [{ title: 'r' }] }, duration_ms: 1 } as const;
export const FAILURE = { status: 'error', error: { code: 'X', message: 'm', retryable: true }, duration_ms: 1 } as const;
