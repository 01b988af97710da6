import { Given, Then } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { watchRunFollowRules } from '../support/scenario/conversation';
import { everyTabSeesWholeRun, usePacedAgent } from '../support/scenario/resilience';

Given('the agent takes its time over each step', function (this: GoldenPathWorld) {
  return usePacedAgent(this);
});

Then('{actor} watches the agent start, think, use its tools and complete', function (this: GoldenPathWorld, name: string) {
  return watchRunFollowRules(this, name);
});

Then('every tab of {actor}\'s sees the whole run, each following every event rule', function (this: GoldenPathWorld, name: string) {
  return everyTabSeesWholeRun(this, name);
});
