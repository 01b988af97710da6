import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentRunner, type RunOutcome } from '../src/agent/runtime/agent-runner';
import { isCostRequest, RuleBasedSpendAdvisor } from '../src/agent/advisor/rule-based-advisor';
import {
  analyseCostBreakdownTool,
  extractSpendFiguresTool,
  lookupSpendHistoryTool,
  recommendOptimizationsTool,
  type SpendHistorySource,
} from '../src/agent/advisor/spend-tools';
import { ToolRegistry } from '../src/agent/runtime/tool-registry';
import type { FaultName } from '../src/faults/catalogue';
import type { RunResult } from '../src/frames/server-frames';
import { RunEventEmitter } from '../src/runs/run-event-emitter';
import { CollectingSink, ManualEventStore, MemoryEventStore, RUN, runEventsWithFaults, type DeliveredFrame } from './fakes';

const COST_REQUEST = 'We spend $12,400 per month on AI, 70% on GPT-4. Please analyse our costs and recommend optimizations.';

interface Harness {
  sink: CollectingSink;
  store: MemoryEventStore;
  run: (request: string) => ReturnType<AgentRunner['run']>;
  failBeforeStart: (cause: unknown) => ReturnType<AgentRunner['failBeforeStart']>;
  controller: AbortController;
}

function harness(options: { faults?: FaultName[]; stepDelayMs?: number; history?: SpendHistorySource; failStoreFromSeq?: number } = {}): Harness {
  const sink = new CollectingSink();
  const store = new MemoryEventStore();
  if (options.failStoreFromSeq !== undefined) store.failFromSeq = options.failStoreFromSeq;
  const controller = new AbortController();
  const history: SpendHistorySource = options.history ?? {
    earlierUserMessages: () => Promise.resolve([{ content: 'last month we paid $10,000', createdAt: new Date('2025-01-01T00:00:00Z') }]),
  };
  const runner = new AgentRunner(
    {
      model: new RuleBasedSpendAdvisor(),
      tools: new ToolRegistry([extractSpendFiguresTool, lookupSpendHistoryTool(history), analyseCostBreakdownTool, recommendOptimizationsTool]),
      events: runEventsWithFaults(options.faults ?? [], store, sink),
      stepDelayMs: options.stepDelayMs ?? 0,
      signal: controller.signal,
    },
    RUN,
  );
  return { sink, store, run: (request) => runner.run(request), failBeforeStart: (cause) => runner.failBeforeStart(cause), controller };
}

/** The five-event rules of protocol §5. */
function assertWellFormed(frames: DeliveredFrame[]): void {
  assert.deepEqual(frames.map((f) => f.seq), frames.map((_, i) => i + 1), 'seq 1..n without gaps');
  assert.equal(frames[0]?.type, 'agent_started');
  assert.equal(frames.filter((f) => f.type === 'agent_started').length, 1);
  assert.equal(frames.at(-1)?.type, 'agent_completed');
  assert.equal(frames.filter((f) => f.type === 'agent_completed').length, 1);
  assert.ok(frames.some((f) => f.type === 'agent_thinking'), 'at least one agent_thinking');
  const open = new Set<unknown>();
  for (const f of frames) {
    if (f.type === 'tool_executing') open.add(f.data['tool_call_id']);
    if (f.type === 'tool_completed') assert.ok(open.delete(f.data['tool_call_id']), 'tool_completed after its tool_executing');
  }
  assert.equal(open.size, 0, 'every tool call completed');
  for (const f of frames) assert.equal(f.run_id, RUN.runId);
}

void describe('RuleBasedSpendAdvisor + AgentRunner', () => {
  void it('a run that fails before the agent is asked still starts, shows a thought and ends with a retryable error', async () => {
    const h = harness({ failStoreFromSeq: 1 });
    const outcome = await h.failBeforeStart(new Error('Connection terminated unexpectedly'));
    assert.equal(outcome.status, 'error');
    assertWellFormed(h.sink.frames);
    assert.deepEqual(h.sink.frames.map((f) => f.type), ['agent_started', 'agent_thinking', 'agent_completed']);
    const done = h.sink.frames.at(-1)?.data as { status: string; error: { code: string; retryable: boolean } };
    assert.deepEqual([done.status, done.error.code, done.error.retryable], ['error', 'SERVICE_UNAVAILABLE', true]);
  });

  void it('no_thought_on_failure: the same run ends without any thought', async () => {
    const h = harness({ failStoreFromSeq: 1, faults: ['no_thought_on_failure'] });
    await h.failBeforeStart(new Error('Connection terminated unexpectedly'));
    assert.deepEqual(h.sink.frames.map((f) => f.type), ['agent_started', 'agent_completed']);
  });

  void it('analyses a cost request with tools and recommends with amounts', async () => {
    const h = harness();
    const outcome = await h.run(COST_REQUEST);
    assert.equal(outcome.status, 'success');
    const frames = h.sink.frames;
    assertWellFormed(frames);
    const tools = frames.filter((f) => f.type === 'tool_executing').map((f) => f.data['tool_name']);
    assert.deepEqual(tools, ['extract_spend_figures', 'lookup_spend_history', 'analyse_cost_breakdown', 'recommend_optimizations']);
    const done = frames.at(-1)?.data as { status: string; result: RunResult };
    assert.match(done.result.summary, /\$12,400 per month/);
    assert.match(done.result.summary, /up 24% from the \$10,000/);
    assert.ok(done.result.recommendations.length > 0 && done.result.recommendations.every((r) => r.title.length > 0));
    assert.deepEqual(h.store.answers, [{ threadId: RUN.threadId, userId: RUN.userId, summary: done.result.summary }]);
    assert.deepEqual(h.store.events.map((e) => e.frameText), h.sink.texts);
    assert.ok(h.store.batches.at(-1)?.includes(frames.length), 'the answer is stored with agent_completed');
  });

  void it('answers small talk with a thought and a recommendation', async () => {
    const h = harness();
    const outcome = await h.run('hello');
    assert.equal(outcome.status, 'success');
    assert.deepEqual(h.sink.types(), ['agent_started', 'agent_thinking', 'agent_completed']);
    assert.ok(outcome.status === 'success' && outcome.result.summary.length > 0 && outcome.result.recommendations[0]?.title);
  });

  void it('recognises cost requests', () => {
    assert.equal(isCostRequest('How can we optimise our LLM bill?'), true);
    assert.equal(isCostRequest('we use 3M tokens a day'), true);
    assert.equal(isCostRequest('good morning'), false);
  });

  void it('makes every step last at least the step delay', async () => {
    const h = harness({ stepDelayMs: 25 });
    const started = Date.now();
    await h.run('hello');
    assert.ok(Date.now() - started >= 25);
    const h2 = harness({ stepDelayMs: 15 });
    const started2 = Date.now();
    await h2.run(COST_REQUEST);
    assert.ok(Date.now() - started2 >= 7 * 15, 'seven steps of 15 ms');
  });

  void it('ends a run whose tool fails with tool_completed(error) then agent_completed(error)', async () => {
    const h = harness({ history: { earlierUserMessages: () => Promise.reject(new Error('connection refused')) } });
    const outcome = await h.run(COST_REQUEST);
    assert.equal(outcome.status, 'error');
    const frames = h.sink.frames;
    assertWellFormed(frames);
    const failed = frames.find((f) => f.type === 'tool_completed' && f.data['status'] === 'error');
    assert.equal(failed?.data['tool_name'], 'lookup_spend_history');
    const done = frames.at(-1)?.data as { status: string; error: { code: string; retryable: boolean } };
    assert.equal(done.status, 'error');
    assert.equal(done.error.code, 'TOOL_FAILED');
    assert.equal(h.store.answers.length, 0);
  });

  void it('fails the run, live, when events stop persisting', async () => {
    const h = harness({ failStoreFromSeq: 3 });
    const outcome = await h.run(COST_REQUEST);
    assert.ok(outcome.status === 'error' && outcome.error.code === 'SERVICE_UNAVAILABLE' && outcome.error.retryable);
    assertWellFormed(h.sink.frames);
    assert.ok(h.store.events.every((e) => e.seq < 3));
    assert.deepEqual(h.store.events.map((e) => e.frameText), h.sink.texts.slice(0, h.store.events.length), 'what is stored was delivered');
    assert.equal(h.store.answers.length, 0);
  });

  void it('reports a lost event store, not the tool tripping over the same database', async () => {
    const h = harness({ failStoreFromSeq: 2, history: { earlierUserMessages: () => Promise.reject(new Error('connection refused')) } });
    const outcome = await h.run(COST_REQUEST);
    assert.ok(outcome.status === 'error' && outcome.error.code === 'SERVICE_UNAVAILABLE');
    assertWellFormed(h.sink.frames);
  });

  void it('fails the run, without a success, when the answer cannot be stored with agent_completed', async () => {
    const h = harness();
    await h.run('hello');
    const last = h.store.batches.at(-1)?.at(-1) ?? 0;
    const failing = harness({ failStoreFromSeq: last });
    const outcome = await failing.run('hello');
    assert.ok(outcome.status === 'error' && outcome.error.code === 'SERVICE_UNAVAILABLE');
    assertWellFormed(failing.sink.frames);
    assert.deepEqual(failing.sink.types(), ['agent_started', 'agent_thinking', 'agent_completed']);
    assert.equal((failing.sink.frames.at(-1)?.data as { status: string }).status, 'error');
    assert.equal(failing.store.answers.length, 0);
  });

  void it('groups the events produced while a write is in flight (a slow database)', async () => {
    const store = new ManualEventStore();
    const sink = new CollectingSink();
    const runner = new AgentRunner(
      {
        model: new RuleBasedSpendAdvisor(),
        tools: new ToolRegistry([extractSpendFiguresTool, lookupSpendHistoryTool({ earlierUserMessages: () => Promise.resolve([]) }), analyseCostBreakdownTool, recommendOptimizationsTool]),
        events: new RunEventEmitter(RUN, store, sink),
        stepDelayMs: 0,
        signal: new AbortController().signal,
      },
      RUN,
    );
    let outcome: RunOutcome | undefined;
    const running = runner.run(COST_REQUEST).then((o) => (outcome = o));
    // Each write is answered only once the agent has run as far as it can without it.
    for (let answered = 0; outcome === undefined; ) {
      await new Promise((resolve) => setImmediate(resolve));
      while (answered < store.writes.length) store.writes[answered++]?.settle(true);
    }
    await running;
    assert.equal(outcome?.status, 'success');
    assertWellFormed(sink.frames);
    assert.deepEqual(store.writes.map((w) => w.seqs), [[1], sink.frames.slice(1).map((f) => f.seq)]);
    assert.equal(store.writes.at(-1)?.answer?.summary, outcome?.status === 'success' ? outcome.result.summary : undefined);
  });

  void it('ends with an error when aborted (shutdown), closing the open tool call', async () => {
    const h = harness({ stepDelayMs: 10_000 });
    const running = h.run(COST_REQUEST);
    await new Promise((resolve) => setTimeout(resolve, 30));
    h.controller.abort();
    const outcome = await running;
    assert.ok(outcome.status === 'error' && outcome.error.code === 'SHUTTING_DOWN');
    assertWellFormed(h.sink.frames);
    assert.deepEqual(h.sink.types(), ['agent_started', 'agent_thinking', 'agent_completed']);
  });

  void it("hands the model the run's abort signal, aborted on shutdown", async () => {
    const signals: AbortSignal[] = [];
    const advisor = new RuleBasedSpendAdvisor();
    const controller = new AbortController();
    const sink = new CollectingSink();
    const runner = new AgentRunner(
      {
        model: { name: advisor.name, nextStep: (state, signal) => (signals.push(signal), advisor.nextStep(state)) },
        tools: new ToolRegistry([]),
        events: new RunEventEmitter(RUN, new MemoryEventStore(), sink),
        stepDelayMs: 0,
        signal: controller.signal,
      },
      RUN,
    );
    await runner.run('hello');
    assert.ok(signals.length > 0 && signals.every((s) => s === controller.signal));
    controller.abort();
    assert.equal(signals[0]?.aborted, true);
  });

  void it('ends the run with TOOL_FAILED when a model calls a tool with arguments its schema refuses', async () => {
    const sink = new CollectingSink();
    let asked = 0;
    const runner = new AgentRunner(
      {
        model: {
          name: 'bad-args',
          nextStep: () => Promise.resolve(asked++ === 0 ? { kind: 'tool_call', toolName: 'extract_spend_figures', args: { text: 42 } } : { kind: 'thought', thought: 'unreachable' }),
        },
        tools: new ToolRegistry([extractSpendFiguresTool]),
        events: new RunEventEmitter(RUN, new MemoryEventStore(), sink),
        stepDelayMs: 0,
        signal: new AbortController().signal,
      },
      RUN,
    );
    const outcome = await runner.run('anything');
    assert.ok(outcome.status === 'error' && outcome.error.code === 'TOOL_FAILED' && /invalid arguments/.test(outcome.error.message));
    assertWellFormed(sink.frames);
  });

  void it('plants the agent_events faults', async () => {
    const types = async (fault: FaultName): Promise<string[]> => {
      const h = harness({ faults: [fault] });
      await h.run(COST_REQUEST);
      return h.sink.types();
    };
    assert.ok(!(await types('no_thinking')).includes('agent_thinking'));
    const unpaired = await types('unpaired_tool');
    assert.equal(unpaired.filter((t) => t === 'tool_executing').length - unpaired.filter((t) => t === 'tool_completed').length, 1);
    assert.equal((await types('completed_before_tool')).at(-1), 'tool_completed');
    assert.equal((await types('started_twice')).filter((t) => t === 'agent_started').length, 2);
    const empty = harness({ faults: ['empty_recommendations'] });
    await empty.run(COST_REQUEST);
    assert.deepEqual((empty.sink.frames.at(-1)?.data as { result: RunResult }).result.recommendations, []);
    assert.ok((empty.store.answers[0]?.summary.length ?? 0) > 0, 'the answer is still stored');
  });

  void it('plants started_twice right after the first step, in a short run too', async () => {
    const h = harness({ faults: ['started_twice'] });
    await h.run('hello');
    assert.deepEqual(h.sink.types(), ['agent_started', 'agent_thinking', 'agent_started', 'agent_completed']);
    const long = harness({ faults: ['started_twice'] });
    await long.run(COST_REQUEST);
    assert.deepEqual(long.sink.types().slice(0, 4), ['agent_started', 'agent_thinking', 'agent_started', 'tool_executing']);
    assert.deepEqual(long.sink.frames.map((f) => f.seq), long.sink.frames.map((_, i) => i + 1));
  });

  void it('plants seq_gap and wrong_run_id in whole runs', async () => {
    const gap = harness({ faults: ['seq_gap'] });
    await gap.run(COST_REQUEST);
    const seqs = gap.sink.frames.map((f) => f.seq);
    assert.deepEqual(seqs.slice(0, 4), [1, 2, 3, 5]);
    assert.deepEqual(gap.store.events.map((e) => e.seq), seqs, 'stored under the same seqs');
    const wrong = harness({ faults: ['wrong_run_id'] });
    await wrong.run(COST_REQUEST);
    assert.deepEqual(wrong.sink.frames.filter((f) => f.run_id !== RUN.runId).map((f) => f.type), ['agent_thinking']);
  });

  void it('plants silent_failure: a failing run just stops', async () => {
    const h = harness({ faults: ['silent_failure'], history: { earlierUserMessages: () => Promise.reject(new Error('connection refused')) } });
    const outcome = await h.run(COST_REQUEST);
    assert.equal(outcome.status, 'error');
    assert.deepEqual(h.sink.types(), ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'tool_executing']);
  });

  void it('with unpaired_tool, a failing run still ends the held tool call with an error, before the failing one', async () => {
    const h = harness({ faults: ['unpaired_tool'], history: { earlierUserMessages: () => Promise.reject(new Error('connection refused')) } });
    await h.run(COST_REQUEST);
    assertWellFormed(h.sink.frames);
    const completions = h.sink.frames.filter((f) => f.type === 'tool_completed').map((f) => [f.data['tool_name'], f.data['status']]);
    assert.deepEqual(completions, [
      ['extract_spend_figures', 'error'],
      ['lookup_spend_history', 'error'],
    ]);
  });
});
