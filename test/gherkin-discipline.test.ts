import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import { allPickles } from '../support/report/feature-catalogue';

interface StepDefinition {
  readonly keyword: string;
  readonly pattern: string | RegExp;
  readonly uri: string;
  readonly line: number;
  matchesStepName(text: string): boolean;
}

/**
 * The feature files are signed-off documents: Given sets up, When acts, Then
 * judges. Each step of every scenario must match a step definition declared
 * with its own keyword (a Then step that acts, or a Given that asserts, is
 * declared as one and shows up here), and no step definition goes unused.
 */
void test('every step matches a definition of its own keyword, and every definition is used', async () => {
  const { runConfiguration } = await loadConfiguration({ provided: { format: [], parallel: 0 } });
  // The library's public type is opaque; its step definitions carry the keyword they were declared with.
  const support = (await loadSupport(runConfiguration)) as unknown as { stepDefinitions: StepDefinition[] };
  const expected = { Context: 'Given', Action: 'When', Outcome: 'Then' } as const;
  const used = new Set<unknown>();
  const problems: string[] = [];
  for (const pickle of allPickles()) {
    for (const step of pickle.steps) {
      const matching = support.stepDefinitions.filter((definition) => definition.matchesStepName(step.text));
      for (const definition of matching) used.add(definition);
      const keyword = step.type === undefined ? undefined : expected[step.type as keyof typeof expected];
      if (matching.length !== 1) problems.push(`${pickle.uri} (${pickle.name}) "${step.text}" matches ${matching.length} step definitions`);
      else if (keyword !== undefined && matching[0]?.keyword !== keyword) {
        problems.push(`${pickle.uri} (${pickle.name}) "${step.text}" is a ${keyword} step but its definition is a ${String(matching[0]?.keyword)} (${matching[0]?.uri ?? ''}:${matching[0]?.line ?? ''})`);
      }
    }
  }
  for (const definition of support.stepDefinitions.filter((candidate) => !used.has(candidate))) {
    problems.push(`${definition.uri}:${definition.line} "${String(definition.pattern)}" is used by no scenario`);
  }
  assert.deepEqual(problems, []);
});
