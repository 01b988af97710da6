import type { RunId, ThreadId, UserId } from '../src/domain/ids';
import type { RunEventType } from '../src/protocol/server-frames';
import type { RunEventSink, RunIdentity } from '../src/runs/run-event-emitter';
import type { RunEventStore } from '../src/storage/run-store';

/** In-memory event store; can be told to start failing. */
export class MemoryEventStore implements RunEventStore {
  readonly events: { runId: RunId; seq: number; type: RunEventType; frameText: string }[] = [];
  failFromSeq = Infinity;

  appendEvent(runId: RunId, seq: number, type: RunEventType, frameText: string): Promise<void> {
    if (seq >= this.failFromSeq) return Promise.reject(new Error('connection terminated'));
    this.events.push({ runId, seq, type, frameText });
    return Promise.resolve();
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
