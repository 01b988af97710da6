import { Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { spendAnalysisRequest } from '../support/actors/requests';
import { ask, messageAcceptedPromptly } from '../support/scenario/conversation';

When('{actor} asks the agent to analyse her/his/their AI spend', function (this: GoldenPathWorld, name: string) {
  ask(this, name, spendAnalysisRequest());
});

Then('{actor}\'s message is accepted promptly', function (this: GoldenPathWorld, name: string) {
  return messageAcceptedPromptly(this, name);
});
