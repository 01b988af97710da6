/**
 * The soak's judge (scripts/soak/ledger.ts): what counts as lost, duplicated
 * or a violation, and what the protocol allows (copies after a resume, events
 * missed across instances while Redis is down).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ledger, canonical, type RunEventFrame, type TabRecord } from '../scripts/soak/ledger';
import type { Outage } from '../scripts/soak/outages';

const RUN = 'run-1';
const USER = 'alice';

function event(seq: number, type = 'agent_thinking', data: Record<string, unknown> = {}): RunEventFrame {
  return { type, run_id: RUN, seq, user_id: USER, thread_id: 'thread-1', data };
}

const completed = (seq: number, status = 'success'): RunEventFrame => event(seq, 'agent_completed', { status, result: { summary: 'the answer' } });

function openTab(ledger: Ledger, instance = 'a'): TabRecord {
  const tab = ledger.newTab(USER, instance);
  tab.upgraded = true;
  tab.establishedAt = 0;
  return tab;
}

function acceptOn(ledger: Ledger, tabs: TabRecord[], instance = 'a'): void {
  ledger.accepted(USER, { clientMessageId: 'cm-1', messageId: 'm-1', threadId: 'thread-1', runId: RUN }, { content: 'hi', sentAt: 1, instance, openTabs: tabs });
}

const history = (messages: { role: string; message_id: string; run_id: string; content: string; client_message_id: string | null }[]) => messages;

void describe('soak ledger', () => {
  void it('a whole run on every tab, and its answer once in history, is nothing lost nor duplicated', () => {
    const ledger = new Ledger(() => []);
    const [a, b] = [openTab(ledger), openTab(ledger, 'b')];
    acceptOn(ledger, [a, b]);
    for (const tab of [a, b]) for (const frame of [event(1, 'agent_started'), event(2), completed(3)]) ledger.event(tab, frame, 10);
    ledger.judgeViews();
    ledger.judgeHistory(USER, 'thread-1', history([
      { role: 'user', message_id: 'm-1', run_id: RUN, content: 'hi', client_message_id: 'cm-1' },
      { role: 'assistant', message_id: 'm-2', run_id: RUN, content: 'the answer', client_message_id: null },
    ]));
    assert.deepEqual([ledger.counts.lost, ledger.counts.duplicated, ledger.counts.violations], [0, 0, 0], JSON.stringify(ledger.findings));
  });

  void it('the same seq twice on a tab that never resumed is a duplication; after a resume an equal copy is allowed', () => {
    const ledger = new Ledger(() => []);
    const tab = openTab(ledger);
    acceptOn(ledger, [tab]);
    ledger.event(tab, event(1, 'agent_started'), 1);
    ledger.event(tab, event(1, 'agent_started'), 2);
    assert.equal(ledger.counts.duplicated, 1);
    const other = openTab(ledger);
    other.resumed.add(RUN);
    ledger.event(other, event(1, 'agent_started'), 3);
    ledger.event(other, event(1, 'agent_started'), 4);
    assert.equal(ledger.counts.duplicated, 1, 'a copy after a resume is allowed');
  });

  void it('two different events under one seq are a duplication, whoever received them', () => {
    const ledger = new Ledger(() => []);
    const [a, b] = [openTab(ledger), openTab(ledger)];
    acceptOn(ledger, [a, b]);
    ledger.event(a, event(2, 'agent_thinking', { thought: 'x' }), 1);
    ledger.event(b, event(2, 'agent_thinking', { thought: 'y' }), 1);
    assert.equal(ledger.counts.duplicated, 1);
  });

  void it('a seq missing on a tab that followed the run, even after resuming, is lost; a run nobody saw end is lost', () => {
    const ledger = new Ledger(() => []);
    const tab = openTab(ledger);
    acceptOn(ledger, [tab]);
    ledger.event(tab, event(1, 'agent_started'), 1);
    ledger.event(tab, completed(3), 2);
    ledger.judgeViews();
    assert.equal(ledger.counts.lost, 1);

    const never = new Ledger(() => []);
    const lonely = openTab(never);
    acceptOn(never, [lonely]);
    never.event(lonely, event(1, 'agent_started'), 1);
    never.judgeViews();
    assert.equal(never.counts.lost, 1);
    assert.match(never.findings[0]?.what ?? '', /never ended/);
  });

  void it('events missed live by a tab on another instance during the cache outage are explained, not lost', () => {
    const outage: Outage = { kind: 'cache', startedAt: 0, endedAt: 4_000 };
    const ledger = new Ledger(() => [outage]);
    const [a, b] = [openTab(ledger, 'a'), openTab(ledger, 'b')];
    acceptOn(ledger, [a, b], 'a');
    for (const frame of [event(1, 'agent_started'), event(2), completed(3)]) ledger.event(a, frame, 10);
    const viewOnB = ledger.runs.get(RUN)?.views.find((view) => view.tabs.includes(b));
    assert.ok(viewOnB !== undefined);
    ledger.missedLive(viewOnB);
    assert.equal(ledger.counts.lost, 0);
    assert.equal(ledger.counts.eventsMissedLiveInCacheOutage, 3);

    const calm = new Ledger(() => []);
    const [c, d] = [openTab(calm, 'a'), openTab(calm, 'b')];
    calm.accepted(USER, { clientMessageId: 'cm-1', messageId: 'm-1', threadId: 'thread-1', runId: RUN }, { content: 'hi', sentAt: 1, instance: 'a', openTabs: [c, d] });
    for (const frame of [event(1, 'agent_started'), event(2), completed(3)]) calm.event(c, frame, 10);
    const viewOnD = calm.runs.get(RUN)?.views.find((view) => view.tabs.includes(d));
    assert.ok(viewOnD !== undefined);
    calm.missedLive(viewOnD);
    assert.equal(calm.counts.lost, 3, 'with Redis up, a connected tab must get every event');
  });

  void it('history: a missing message or answer is lost, one shown twice is duplicated, the same id accepted as two runs is duplicated', () => {
    const ledger = new Ledger(() => []);
    const tab = openTab(ledger);
    acceptOn(ledger, [tab]);
    ledger.event(tab, event(1, 'agent_started'), 1);
    ledger.event(tab, completed(2), 2);
    ledger.judgeHistory(USER, 'thread-1', history([{ role: 'user', message_id: 'm-1', run_id: RUN, content: 'hi', client_message_id: 'cm-1' }]));
    assert.equal(ledger.counts.lost, 1, 'the answer is missing');
    ledger.judgeHistory(USER, 'thread-1', history([
      { role: 'user', message_id: 'm-1', run_id: RUN, content: 'hi', client_message_id: 'cm-1' },
      { role: 'user', message_id: 'm-9', run_id: RUN, content: 'hi', client_message_id: 'cm-1' },
      { role: 'assistant', message_id: 'm-2', run_id: RUN, content: 'the answer', client_message_id: null },
    ]));
    assert.equal(ledger.counts.duplicated, 1, 'the message twice');
    ledger.accepted(USER, { clientMessageId: 'cm-1', messageId: 'm-3', threadId: 'thread-1', runId: 'run-2' }, { content: 'hi', sentAt: 5, instance: 'a', openTabs: [tab] });
    assert.equal(ledger.counts.duplicated, 2, 'a re-send answered with other ids');
  });

  void it('compares events as JSON values: key order is free', () => {
    assert.equal(canonical({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } }), canonical({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }));
  });
});
