import { Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { spendAnalysisRequest } from '../support/actors/requests';
import { ask, messageAcceptedPromptly } from '../support/scenario/conversation';
import { askFollowUp, onlyOneRun, resendLatest, sameAcknowledgementBothTimes } from '../support/scenario/resilience';

When('{actor} asks the agent to analyse her/his/their AI spend', function (this: GoldenPathWorld, name: string) {
  ask(this, name, spendAnalysisRequest());
});

When('{actor} asks a follow-up question in the same conversation', function (this: GoldenPathWorld, name: string) {
  askFollowUp(this, name);
});

When('{actor}\'s app sends the same message again', function (this: GoldenPathWorld, name: string) {
  resendLatest(this, name);
});

Then('{actor}\'s message is accepted promptly', function (this: GoldenPathWorld, name: string) {
  return messageAcceptedPromptly(this, name);
});

Then('{actor} gets the same acknowledgement both times', function (this: GoldenPathWorld, name: string) {
  return sameAcknowledgementBothTimes(this, name);
});

Then('only one run answers {actor}\'s message', function (this: GoldenPathWorld, name: string) {
  return onlyOneRun(this, name);
});
