import { Then } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { watchRunFollowRules } from '../support/scenario/conversation';

Then('{actor} watches the agent start, think, use its tools and complete', function (this: GoldenPathWorld, name: string) {
  return watchRunFollowRules(this, name);
});
