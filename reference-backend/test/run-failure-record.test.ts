/**
 * Found by the soak (npm run soak): a run that lost PostgreSQL mid-way ended
 * live with an error, but storage kept only what came before the outage —
 * its status stayed `running` and a tab that resumed it after the outage got
 * a run without an end; and a success whose write committed while its answer
 * was lost on the way back was withdrawn live (the client saw an error) yet
 * stayed in history as an assistant message. A failed run's end is now
 * stored once PostgreSQL is back: what was delivered live, the withdrawal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentModel } from '../src/agent/runtime/model';
import { ToolRegistry } from '../src/agent/runtime/tool-registry';
import { silentLogger } from '../src/logger';
import { RunEventEmitter } from '../src/runs/run-event-emitter';
import type { UnstoredTail } from '../src/runs/run-events';
import { RunManager } from '../src/runs/run-manager';
import type { RunTicket } from '../src/storage/chat-store';
import type { NewRunEvent, RunAnswer, RunStore } from '../src/storage/run-store';
import type { ConnectionId, MessageId } from '../src/domain/ids';
import { CollectingSink, FAILURE, ManualEventStore, RUN, settled, SUCCESS } from './fakes';


void describe('a failed run’s end is stored as it was delivered', () => {
  void it('keeps the failed batch and every later event as the unstored tail', async () => {
    const store = new ManualEventStore();
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    store.writes[0]?.settle(true);
    await emitter.emit('agent_thinking', { thought: 't', step: 1 });
    await settled();
    store.writes[1]?.settle(false);
    await emitter.flush();
    await emitter.emitFinal('agent_completed', FAILURE);
    assert.deepEqual(emitter.unstored.events.map((e) => [e.seq, e.type]), [
      [2, 'agent_thinking'],
      [3, 'agent_completed'],
    ]);
    assert.deepEqual(emitter.unstored.events.map((e) => e.frameText), sink.texts.slice(1), 'exactly the text delivered');
    assert.equal(emitter.unstored.successWithdrawn, false);
  });

  void it('marks a success whose write failed as withdrawn: it may have committed', async () => {
    const store = new ManualEventStore();
    const sink = new CollectingSink();
    const emitter = new RunEventEmitter(RUN, store, sink);
    await emitter.emit('agent_started', { agent_name: 'a' });
    store.writes[0]?.settle(true);
    const completing = emitter.complete(SUCCESS, 'the answer');
    await settled();
    store.writes[1]?.settle(false);
    await assert.rejects(completing);
    await emitter.emitFinal('agent_completed', FAILURE);
    assert.equal(emitter.unstored.successWithdrawn, true);
    assert.deepEqual(emitter.unstored.events.map((e) => [e.seq, e.type]), [[2, 'agent_completed']], 'the error end takes the withdrawn seq');
  });

  void it('RunManager records the failure with its unstored tail, retrying until PostgreSQL takes it', async () => {
    const recorded: { errorCode: string; unstored: UnstoredTail | undefined }[] = [];
    let refusals = 3;
    let appended = 0;
    const store: RunStore = {
      claimRun: () => Promise.resolve(true),
      appendEvents: (_runId, _events: readonly NewRunEvent[], _answer?: RunAnswer) => {
        appended += 1;
        return appended === 1 ? Promise.resolve() : Promise.reject(new Error('connection terminated'));
      },
      recordFailure: (_runId, errorCode, unstored) => {
        if (refusals > 0) {
          refusals -= 1;
          return Promise.reject(new Error('connect ECONNREFUSED'));
        }
        recorded.push({ errorCode, unstored });
        return Promise.resolve();
      },
      isOwnedBy: () => Promise.resolve(true),
      eventsAfter: () => Promise.resolve([]),
    };
    const model: AgentModel = {
      name: 'two-step',
      nextStep: (state) =>
        Promise.resolve(state.steps.length === 0 ? { kind: 'thought', thought: 'thinking' } : { kind: 'final_answer', result: SUCCESS.result }),
    };
    const sink = new CollectingSink();
    const runs = new RunManager({
      runStore: store,
      eventsOf: (run) => new RunEventEmitter(run, store, sink),
      model,
      tools: new ToolRegistry([]),
      stepDelayMs: 0,
      owner: { instanceId: 'test', incarnation: 'test-1', leaseMs: 12_000, silenceMs: 3_000 },
      logger: silentLogger,
    });
    const ticket: RunTicket = { runId: RUN.runId, threadId: RUN.threadId, userId: RUN.userId, userMessageId: RUN.runId as unknown as MessageId, content: 'hi', status: 'pending' };
    runs.startIfPending(ticket, 'c' as ConnectionId);
    const deadline = Date.now() + 5_000;
    while (recorded.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(recorded.length, 1, 'recorded once PostgreSQL answers again');
    const delivered = sink.frames;
    assert.equal(delivered.at(-1)?.type, 'agent_completed');
    assert.equal(delivered.at(-1)?.data['status'], 'error');
    assert.deepEqual(
      recorded[0]?.unstored?.events.map((e) => e.seq),
      delivered.slice(1).map((f) => f.seq),
      'every event delivered after the first write failed is stored with the failure',
    );
  });
});
