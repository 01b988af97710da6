import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalConnections, type LocalConnection } from '../src/connection/local-connections';
import type { ConnectionId, RunId, ThreadId, UserId } from '../src/domain/ids';
import { serializeRunEvent } from '../src/frames/server-frames';
import { RunEventFanout } from '../src/realtime/run-event-fanout';
import type { RedisBus } from '../src/realtime/redis-bus';
import { deadRunEnding, INSTANCE_LOST } from '../src/runs/dead-run-ending';
import type { OrphanedRunState } from '../src/storage/lease-store';

const header = { runId: 'r1' as RunId, threadId: 't1' as ThreadId, userId: 'alice' as UserId };

function stored(...events: Array<[string, Record<string, unknown>]>): OrphanedRunState['events'] {
  return events.map(([type, data], index) => ({ seq: index + 1, type: type as OrphanedRunState['events'][number]['type'], frameText: serializeRunEvent(type as 'agent_started', { ...header, seq: index + 1 }, data as { agent_name: string }) }));
}

function orphan(events: OrphanedRunState['events']): OrphanedRunState {
  return { ...header, ownerInstance: 'pod-a', startedAt: Date.now() - 5_000, events };
}

const types = (ending: ReturnType<typeof deadRunEnding>): string[] => ending.events.map((event) => `${event.seq}:${event.type}`);

void describe('deadRunEnding (protocol §5: a dead instance’s run is ended)', () => {
  void it('closes every open tool call with an error, then ends the run with a retryable error', () => {
    const ending = deadRunEnding(
      orphan(stored(['agent_started', { agent_name: 'a' }], ['agent_thinking', { thought: 't', step: 1 }], ['tool_executing', { tool_call_id: 'c1', tool_name: 'x', args: {} }], ['tool_completed', { tool_call_id: 'c1', tool_name: 'x', status: 'success', result: {}, duration_ms: 1 }], ['tool_executing', { tool_call_id: 'c2', tool_name: 'y', args: {} }])),
      'advisor',
    );
    assert.deepEqual(types(ending), ['6:tool_completed', '7:agent_completed']);
    const [tool, completed] = ending.events.map((event) => JSON.parse(event.frameText) as { data: Record<string, unknown>; seq: number; run_id: string });
    assert.equal(tool?.data.tool_call_id, 'c2');
    assert.equal(tool?.data.status, 'error');
    assert.deepEqual(completed?.data.status, 'error');
    assert.equal((completed?.data.error as { retryable: boolean; code: string }).retryable, true);
    assert.equal(completed?.run_id, 'r1');
    assert.equal(ending.errorCode, INSTANCE_LOST);
  });

  void it('gives a run that died before it started its agent_started and a thought first', () => {
    assert.deepEqual(types(deadRunEnding(orphan([]), 'advisor')), ['1:agent_started', '2:agent_thinking', '3:agent_completed']);
  });

  void it('adds nothing to a run whose agent_completed was stored already', () => {
    const ending = deadRunEnding(orphan(stored(['agent_started', { agent_name: 'a' }], ['agent_thinking', { thought: 't', step: 1 }], ['agent_completed', { status: 'error', error: {}, duration_ms: 1 }])), 'advisor');
    assert.deepEqual(ending.events, []);
  });
});

class Tab implements LocalConnection {
  readonly received: number[] = [];
  constructor(
    readonly id: ConnectionId,
    readonly userId: UserId,
  ) {}
  deliverRunEvent(_runId: RunId, seq: number): void {
    this.received.push(seq);
  }
}

function fanout(): { fanout: RunEventFanout; tab: Tab; published: Parameters<RedisBus['publish']>[0][] } {
  const local = new LocalConnections();
  const tab = new Tab('c1' as ConnectionId, 'alice' as UserId);
  local.add(tab);
  const published: Parameters<RedisBus['publish']>[0][] = [];
  return { fanout: new RunEventFanout(local, { publish: (event) => void published.push(event) }), tab, published };
}

const event = (seq: number, type = 'agent_thinking') => ({ seq, frameText: `{"type":"${type}","seq":${seq}}` });
const remote = (seq: number, type = 'agent_thinking', ending = false) => ({ origin: 'pod-a', userId: 'alice' as UserId, runId: 'r1' as RunId, seq, frameText: `{"type":"${type}","seq":${seq}}`, ...(ending ? { ending: true } : {}) });

void describe('RunEventFanout and the ending of a dead instance’s run', () => {
  void it('delivers only what goes beyond what this instance delivered, and publishes it all', () => {
    const { fanout: f, tab, published } = fanout();
    f.deliverRemote(remote(1, 'agent_started'));
    f.deliverRemote(remote(2));
    f.deliverEnding(header, [event(1, 'agent_started'), event(2), event(3, 'tool_executing'), event(4, 'tool_completed'), event(5, 'agent_completed')]);
    assert.deepEqual(tab.received, [1, 2, 3, 4, 5]);
    assert.equal(published.filter((p) => p.ending === true).length, 5);
  });

  void it('never delivers an ending after the run was ended here already (its instance was only cut off)', () => {
    const { fanout: f, tab } = fanout();
    for (const seq of [1, 2]) f.deliverRemote(remote(seq));
    f.deliverRemote(remote(3, 'agent_completed'));
    for (const seq of [1, 2]) f.deliverRemote(remote(seq, 'agent_thinking', true));
    f.deliverRemote(remote(3, 'tool_completed', true));
    f.deliverRemote(remote(4, 'agent_completed', true));
    assert.deepEqual(tab.received, [1, 2, 3]);
  });

  void it('after an ending, nothing more of the run from its supposedly dead instance', () => {
    const { fanout: f, tab } = fanout();
    f.deliverRemote(remote(1, 'agent_started'));
    f.deliverRemote(remote(2, 'agent_completed', true));
    f.deliverRemote(remote(2, 'agent_thinking'));
    f.deliverRemote(remote(3, 'agent_completed'));
    assert.deepEqual(tab.received, [1, 2]);
  });
});
