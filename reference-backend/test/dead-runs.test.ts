import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { ClientConnection } from '../src/connection/client-connection';
import { protocolConnectionPolicy } from '../src/connection/connection-policy';
import { LocalConnections, type RunEventDelivery, type LocalConnection } from '../src/connection/local-connections';
import { framesAsSent } from '../src/connection/outgoing-frames';
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
  readonly received: Array<[number, boolean]> = [];
  constructor(
    readonly id: ConnectionId,
    readonly userId: UserId,
  ) {}
  deliverRunEvent(_runId: RunId, seq: number, _frameText: string, options: RunEventDelivery = {}): void {
    this.received.push([seq, options.ending === true]);
  }
}

function fanout(): { fanout: RunEventFanout; tab: Tab; published: Parameters<RedisBus['publish']>[0][] } {
  const local = new LocalConnections();
  const tab = new Tab('c1' as ConnectionId, 'alice' as UserId);
  local.add(tab);
  const published: Parameters<RedisBus['publish']>[0][] = [];
  return { fanout: new RunEventFanout(local, { publish: (event) => void published.push(event) }), tab, published };
}

const frame = (seq: number, type = 'agent_thinking'): string => `{"type":"${type}","seq":${seq}}`;
const remote = (seq: number, type = 'agent_thinking', ending = false) => ({ origin: 'pod-a', userId: 'alice' as UserId, runId: 'r1' as RunId, seq, frameText: frame(seq, type), ...(ending ? { ending: true } : {}) });

void describe('RunEventFanout and the ending of a dead instance’s run', () => {
  void it('hands the ending to the local connections as such, and publishes it all, marked', () => {
    const { fanout: f, tab, published } = fanout();
    f.deliverEnding(header, [1, 2, 3].map((seq) => ({ seq, frameText: frame(seq, seq === 3 ? 'agent_completed' : 'agent_thinking') })));
    assert.deepEqual(tab.received, [[1, true], [2, true], [3, true]]);
    assert.deepEqual(published.map((p) => p.ending), [true, true, true]);
  });

  void it('after an ending, nothing more of the run from its supposedly dead instance', () => {
    const { fanout: f, tab } = fanout();
    f.deliverRemote(remote(1, 'agent_started'));
    f.deliverRemote(remote(2, 'agent_completed', true));
    f.deliverRemote(remote(2, 'agent_thinking'));
    f.deliverRemote(remote(3, 'agent_completed'));
    assert.deepEqual(tab.received, [[1, false], [2, true]]);
  });
});

/** A ClientConnection over a socket that records what it sends. */
function connection(): { client: ClientConnection; sent: string[] } {
  const sent: string[] = [];
  const ws = { readyState: 1, OPEN: 1, send: (text: string) => void sent.push(text) } as unknown as WebSocket;
  const lifecycle = { opened: () => undefined, prepare: () => Promise.resolve([]), established: () => undefined, closed: () => undefined };
  const client = new ClientConnection(ws, { userId: 'alice' as UserId, permissions: new Set(), expiresAtMs: Date.now() + 60_000 }, {
    textHandler: { handleText: () => Promise.resolve() },
    lifecycle,
    policy: protocolConnectionPolicy,
    outgoing: framesAsSent,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return { client, sent };
}

const seqs = (sent: readonly string[]): number[] => sent.map((text) => (JSON.parse(text) as { seq: number }).seq);

void describe('ClientConnection and the ending of a dead instance’s run', () => {
  void it('sends of an ending only what goes beyond what the connection had', () => {
    const { client, sent } = connection();
    for (const seq of [1, 2]) client.deliverRunEvent('r1' as RunId, seq, frame(seq));
    for (const seq of [1, 2, 3, 4]) client.deliverRunEvent('r1' as RunId, seq, frame(seq, seq === 4 ? 'agent_completed' : 'tool_completed'), { ending: true });
    assert.deepEqual(seqs(sent), [1, 2, 3, 4]);
  });

  void it('sends nothing of an ending once it had the run’s agent_completed (its instance was only cut off)', () => {
    const { client, sent } = connection();
    client.deliverRunEvent('r1' as RunId, 1, frame(1));
    client.deliverRunEvent('r1' as RunId, 2, frame(2, 'agent_completed'));
    for (const seq of [2, 3]) client.deliverRunEvent('r1' as RunId, seq, frame(seq, seq === 3 ? 'agent_completed' : 'tool_completed'), { ending: true });
    assert.deepEqual(seqs(sent), [1, 2]);
  });

  void it('after a resume, sends nothing of an ending at or below what was replayed', () => {
    const { client, sent } = connection();
    const hold = client.holdRunEvents('r1' as RunId);
    client.deliverRunEvent('r1' as RunId, 3, frame(3), { ending: true }); // held during the replay
    hold.release(3); // the replay went up to seq 3 (after_seq 3, nothing stored beyond)
    client.deliverRunEvent('r1' as RunId, 3, frame(3), { ending: true });
    client.deliverRunEvent('r1' as RunId, 4, frame(4, 'agent_completed'), { ending: true });
    assert.deepEqual(seqs(sent), [4]);
  });
});
