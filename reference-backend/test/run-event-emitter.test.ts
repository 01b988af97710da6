import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Faults } from '../src/faults';
import { RunEventEmitter, RunPersistenceError } from '../src/runs/run-event-emitter';
import { CollectingSink, MemoryEventStore, RUN } from './fakes';

void describe('RunEventEmitter', () => {
  void it('assigns seq 1, 2, 3 and persists exactly the delivered text', async () => {
    const store = new MemoryEventStore();
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink, Faults.none());
    await emitter.emit('agent_started', { agent_name: 'a' });
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    await emitter.emit('agent_completed', { status: 'success', result: { summary: 's', recommendations: [{ title: 'r' }] }, duration_ms: 1 });
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3]);
    assert.deepEqual(store.events.map((e) => e.frameText), sink.texts);
    for (const frame of sink.frames) {
      assert.equal(frame.run_id, RUN.runId);
      assert.equal(frame.thread_id, RUN.threadId);
      assert.equal(frame.user_id, RUN.userId);
    }
    assert.equal(emitter.lastSeq, 3);
  });

  void it('delivers an event that failed to persist, throws, then goes live-only', async () => {
    const store = new MemoryEventStore();
    store.failFromSeq = 2;
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink, Faults.none());
    await emitter.emit('agent_started', { agent_name: 'a' });
    await assert.rejects(emitter.emit('agent_thinking', { thought: 't', step: 1 }), RunPersistenceError);
    await emitter.emitFinal('agent_completed', { status: 'error', error: { code: 'X', message: 'm', retryable: true }, duration_ms: 1 });
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3]);
    assert.equal(store.events.length, 1);
  });

  void it('plants seq_gap and wrong_run_id only when asked', async () => {
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, new MemoryEventStore(), sink, new Faults(['seq_gap', 'wrong_run_id']));
    await emitter.emit('agent_started', { agent_name: 'a' });
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    await emitter.emit('tool_executing', { tool_call_id: 'c' as never, tool_name: 'x', args: {} });
    await emitter.emit('agent_thinking', { thought: 't', step: 2 });
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3, 5]);
    assert.deepEqual(sink.frames.map((f) => f.run_id === RUN.runId), [true, false, true, true]);
  });
});
