import { Then } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { receivedActionableAnswer } from '../support/scenario/conversation';

Then('{actor} receives actionable recommendations', function (this: GoldenPathWorld, name: string) {
  receivedActionableAnswer(this, name);
});
