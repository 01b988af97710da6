import { Given, Then } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import {
  canStillGetAnAnswer, everyStepTookThePace, everyTabSeesTheWholeRun, findsTheConversationInHistory, receivesActionableRecommendations, watchesTheRunFollowEveryRule,
} from '../support/expectations/agent-events';
import type { GoldenPathWorld } from '../support/world';

Given('the agent takes its time over each step', function (this: GoldenPathWorld) {
  return this.target.usePacedBackend();
});

Then('{actor} watches the agent start, think, use its tools and complete', function (user: ChatUser) {
  return watchesTheRunFollowEveryRule(user);
});

Then("every tab of {actor}'s sees the whole run, each following every event rule", function (this: GoldenPathWorld, user: ChatUser) {
  return everyTabSeesTheWholeRun(this, user);
});

Then("every step of {actor}'s run took at least the agent's pace", function (this: GoldenPathWorld, user: ChatUser) {
  everyStepTookThePace(this, user);
});

Then('{actor} receives actionable recommendations', function (user: ChatUser) {
  receivesActionableRecommendations(user);
});

Then('{actor} finds the conversation in her/his/their history', function (user: ChatUser) {
  return findsTheConversationInHistory(user);
});

Then('{actor} can still open the chat and get an answer', function (this: GoldenPathWorld, user: ChatUser) {
  return canStillGetAnAnswer(this, user, 'a new tab');
});

Then('{actor} can still ask the agent and get an answer on the same connection', function (this: GoldenPathWorld, user: ChatUser) {
  return canStillGetAnAnswer(this, user, 'the same tab');
});
