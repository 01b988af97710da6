import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalConnections, type LocalConnection } from '../src/connection/local-connections';
import type { ConnectionId, RunId, ThreadId, UserId } from '../src/domain/ids';
import { decorate } from '../src/decorators';
import { plantFaults } from '../src/faults';
import type { FaultName } from '../src/faults/catalogue';
import type { RedisBus } from '../src/realtime/redis-bus';
import { RunEventFanout } from '../src/realtime/run-event-fanout';
import type { RunEventSink } from '../src/runs/run-events';

class FakeConnection implements LocalConnection {
  readonly received: string[] = [];
  constructor(
    readonly id: ConnectionId,
    readonly userId: UserId,
  ) {}
  deliverRunEvent(_runId: RunId, _seq: number, frameText: string): void {
    this.received.push(frameText);
  }
}

function setup(faults: FaultName[] = []): {
  fanout: RunEventFanout;
  sink: RunEventSink;
  published: Parameters<RedisBus['publish']>[0][];
  alice1: FakeConnection;
  alice2: FakeConnection;
  bob: FakeConnection;
} {
  const local = new LocalConnections();
  const alice1 = new FakeConnection('c-a1' as ConnectionId, 'alice' as UserId);
  const alice2 = new FakeConnection('c-a2' as ConnectionId, 'alice' as UserId);
  const bob = new FakeConnection('c-b' as ConnectionId, 'bob' as UserId);
  for (const c of [alice1, alice2, bob]) local.add(c);
  const published: Parameters<RedisBus['publish']>[0][] = [];
  // Built as app.ts builds it.
  const decorators = plantFaults(faults);
  const localDelivery = decorate(decorators.localDelivery, local, { connections: local });
  const fanout = new RunEventFanout(localDelivery, { publish: (event) => void published.push(event) });
  const sink = decorate(decorators.runEventSink, fanout, { local: localDelivery, connections: local });
  return { fanout, sink, published, alice1, alice2, bob };
}

const run = { runId: 'r1' as RunId, threadId: 't1' as ThreadId, userId: 'alice' as UserId, startedBy: 'c-a1' as ConnectionId };
const remote = (userId: string) => ({ origin: 'other', userId: userId as UserId, runId: 'r9' as RunId, seq: 1, frameText: `from ${userId}` });

void describe('RunEventFanout', () => {
  void it("delivers a run's events to every local connection of its user and publishes them once", () => {
    const { sink, published, alice1, alice2, bob } = setup();
    sink.deliver(run, 1, 'e1');
    assert.deepEqual([alice1.received, alice2.received, bob.received], [['e1'], ['e1'], []]);
    assert.deepEqual(published, [{ userId: 'alice', runId: 'r1', seq: 1, frameText: 'e1' }]);
  });

  void it("routes another instance's event to the local connections of that user only", () => {
    const { fanout, alice1, alice2, bob } = setup();
    fanout.deliverRemote(remote('bob'));
    fanout.deliverRemote(remote('carol')); // every instance receives every user's events: nobody here
    assert.deepEqual([alice1.received, alice2.received, bob.received], [[], [], ['from bob']]);
  });

  void it('planted fault no_cross_instance_fanout: local delivery only, nothing published', () => {
    const { sink, published, alice2 } = setup(['no_cross_instance_fanout']);
    sink.deliver(run, 1, 'e1');
    assert.deepEqual(alice2.received, ['e1']);
    assert.deepEqual(published, []);
  });

  void it('planted fault single_tab_delivery: only the starting connection, nothing published', () => {
    const { sink, published, alice1, alice2 } = setup(['single_tab_delivery']);
    sink.deliver(run, 1, 'e1');
    assert.deepEqual([alice1.received, alice2.received], [['e1'], []]);
    assert.deepEqual(published, []);
  });

  void it("planted fault broadcast_events: everyone here, for users connected here (remote events of others' users stay out)", () => {
    const { fanout, sink, alice1, bob } = setup(['broadcast_events']);
    sink.deliver(run, 1, 'e1');
    fanout.deliverRemote(remote('carol'));
    fanout.deliverRemote(remote('bob'));
    assert.deepEqual([alice1.received, bob.received], [['e1', 'from bob'], ['e1', 'from bob']]);
  });
});
