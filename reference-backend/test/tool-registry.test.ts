import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import {
  analyseCostBreakdownTool,
  extractSpendFiguresTool,
  lookupSpendHistoryTool,
  recommendOptimizationsTool,
} from '../src/agent/advisor/spend-tools';
import { AGENT_MODEL_NAMES, createAgentModel, DEFAULT_AGENT_MODEL } from '../src/agent/models';
import { InvalidToolArgumentsError, ToolRegistry, UnknownToolError, type AgentTool } from '../src/agent/runtime/tool-registry';
import { RUN } from './fakes';

const spendTools = (): AgentTool[] => [
  extractSpendFiguresTool,
  lookupSpendHistoryTool({ earlierUserMessages: () => Promise.resolve([]) }),
  analyseCostBreakdownTool,
  recommendOptimizationsTool,
];

void describe('ToolRegistry', () => {
  void it('lists every tool with its name, description and parameter schema', () => {
    const listed = new ToolRegistry(spendTools()).list();
    assert.deepEqual(listed.map((t) => t.name), ['extract_spend_figures', 'lookup_spend_history', 'analyse_cost_breakdown', 'recommend_optimizations']);
    for (const tool of listed) {
      assert.deepEqual(Object.keys(tool), ['name', 'description', 'parameters']);
      assert.equal(tool.parameters.type, 'object');
    }
  });

  void it("publishes parameter schemas that are valid JSON Schema 2020-12 (the registry skips that check at start)", () => {
    const ajv = new Ajv2020({ strict: true });
    for (const tool of spendTools()) assert.equal(ajv.validateSchema(tool.parameters), true, `${tool.name}: ${ajv.errorsText()}`);
  });

  void it('checks a model’s arguments against the schema before executing', async () => {
    let executed = 0;
    const echo: AgentTool = {
      name: 'echo',
      description: 'returns its text',
      parameters: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
      execute: (args) => {
        executed += 1;
        return Promise.resolve({ text: args['text'] });
      },
    };
    const registry = new ToolRegistry([echo]);
    assert.deepEqual(await registry.execute('echo', { text: 'hi' }, RUN), { text: 'hi' });
    await assert.rejects(registry.execute('echo', { text: 5 }, RUN), InvalidToolArgumentsError);
    await assert.rejects(registry.execute('echo', {}, RUN), /invalid arguments for echo: \/ must have required property 'text'/);
    await assert.rejects(registry.execute('nope', {}, RUN), UnknownToolError);
    assert.equal(executed, 1);
  });

  void it('refuses spend-tool arguments of the wrong shape', async () => {
    const registry = new ToolRegistry(spendTools());
    await assert.rejects(registry.execute('analyse_cost_breakdown', { figures: 'lots' }, RUN), InvalidToolArgumentsError);
    await assert.rejects(registry.execute('analyse_cost_breakdown', { figures: { amounts: [] } }, RUN), InvalidToolArgumentsError);
    await assert.rejects(registry.execute('recommend_optimizations', { breakdown: { currency: 'XYZ' } }, RUN), InvalidToolArgumentsError);
    const { figures } = await registry.execute('extract_spend_figures', { text: '$1,000 a month on GPT-4' }, RUN);
    const { breakdown } = await registry.execute('analyse_cost_breakdown', { figures, previous_monthly_total: null }, RUN);
    assert.ok(typeof (await registry.execute('recommend_optimizations', { breakdown }, RUN))['plan'] === 'object');
  });

  void it('refuses two tools of one name', () => {
    assert.throws(() => new ToolRegistry([extractSpendFiguresTool, extractSpendFiguresTool]), /two tools/);
  });
});

void describe('agent models', () => {
  void it('builds the default model, the advisor, by name', () => {
    assert.equal(DEFAULT_AGENT_MODEL, 'advisor');
    assert.deepEqual(AGENT_MODEL_NAMES, ['advisor']);
    assert.equal(createAgentModel('advisor', { tools: new ToolRegistry(spendTools()).list() }).name, 'ai-spend-advisor');
  });
});
