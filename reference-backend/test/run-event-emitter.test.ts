import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunEventEmitter } from '../src/runs/run-event-emitter';
import { RunPersistenceError } from '../src/runs/run-events';
import { CollectingSink, FAILURE, ManualEventStore, MemoryEventStore, RUN, runEventsWithFaults, settled, SUCCESS } from './fakes';


void describe('RunEventEmitter', () => {
  void it('assigns seq 1, 2, 3 and persists exactly the delivered text', async () => {
    const store = new MemoryEventStore();
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    await emitter.emit('agent_completed', SUCCESS);
    await emitter.flush();
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
    const emitter = new RunEventEmitter(RUN, store, sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    await emitter.flush();
    assert.ok(emitter.persistenceFailure instanceof RunPersistenceError);
    await assert.rejects(emitter.emit('agent_thinking', { thought: 't', step: 2 }), RunPersistenceError);
    await emitter.emitFinal('agent_completed', FAILURE);
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3, 4]);
    assert.equal(store.events.length, 1);
  });

  void it('group commit: events emitted while a write is in flight go out together in the next one, delivered only once stored', async () => {
    const store = new ManualEventStore();
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    await emitter.emit('agent_thinking', { thought: 'u', step: 2 });
    await settled();
    assert.deepEqual(store.writes.map((w) => w.seqs), [[1]]);
    assert.deepEqual(sink.texts, [], 'nothing is delivered before it is stored');
    store.writes[0]?.settle(true);
    await settled();
    assert.deepEqual(sink.frames.map((f) => f.seq), [1]);
    assert.deepEqual(store.writes.map((w) => w.seqs), [[1], [2, 3]]);
    await emitter.emit('agent_thinking', { thought: 'v', step: 3 });
    store.writes[1]?.settle(true);
    await settled();
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3]);
    assert.deepEqual(store.writes.map((w) => w.seqs), [[1], [2, 3], [4]]);
    const completing = emitter.complete(SUCCESS, 'the answer');
    store.writes[2]?.settle(true);
    await settled();
    assert.deepEqual(store.writes.map((w) => w.seqs), [[1], [2, 3], [4], [5]]);
    assert.deepEqual(store.writes[3]?.answer, { threadId: RUN.threadId, userId: RUN.userId, summary: 'the answer' });
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3, 4]);
    store.writes[3]?.settle(true);
    await completing;
    assert.deepEqual(sink.types(), ['agent_started', 'agent_thinking', 'agent_thinking', 'agent_thinking', 'agent_completed']);
  });

  void it('a failed batch is delivered live, and so is everything queued behind it', async () => {
    const store = new ManualEventStore();
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    store.writes[0]?.settle(false);
    await settled();
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2]);
    assert.equal(store.writes.length, 1, 'no write after persistence is lost');
    await assert.rejects(emitter.emit('tool_executing', { tool_call_id: 'c' as never, tool_name: 'x', args: {} }), RunPersistenceError);
    await emitter.emitFinal('agent_completed', FAILURE);
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3, 4]);
    assert.equal(store.writes.length, 1);
  });

  void it('withdraws a success whose write fails: its seq goes to the error agent_completed', async () => {
    const store = new ManualEventStore();
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    store.writes[0]?.settle(true);
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    const completing = emitter.complete(SUCCESS, 'the answer');
    await settled();
    assert.deepEqual(store.writes.map((w) => w.seqs), [[1], [2, 3]]);
    store.writes[1]?.settle(false);
    await assert.rejects(completing, RunPersistenceError);
    assert.equal(emitter.lastSeq, 2);
    await emitter.emitFinal('agent_completed', FAILURE);
    assert.deepEqual(sink.frames.map((f) => [f.seq, f.type, f.data['status']]), [
      [1, 'agent_started', undefined],
      [2, 'agent_thinking', undefined],
      [3, 'agent_completed', 'error'],
    ]);
  });

  void it('plants seq_gap and wrong_run_id only when asked', async () => {
    const sink = new CollectingSink();
    const emitter = runEventsWithFaults(['seq_gap', 'wrong_run_id'], new MemoryEventStore(), sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    await emitter.emit('tool_executing', { tool_call_id: 'c' as never, tool_name: 'x', args: {} });
    await emitter.emit('agent_thinking', { thought: 't', step: 2 });
    await emitter.flush();
    assert.deepEqual(sink.frames.map((f) => f.seq), [1, 2, 3, 5]);
    assert.deepEqual(sink.frames.map((f) => f.run_id === RUN.runId), [true, false, true, true]);
  });
});
