import { Given, Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { messageIsAcceptedPromptly, onlyOneRunAnswers, sameAcknowledgementEveryTime, storedOnceAcknowledged } from '../support/expectations/agent-events';
import { ask, askFollowUp, askLongestQuestion, haveConversation, resendLatest } from '../support/scenario/conversation';
import type { GoldenPathWorld } from '../support/world';

When('{actor} asks the agent to analyse her/his/their AI spend', function (this: GoldenPathWorld, user: ChatUser) {
  ask(this, user);
});

When('{actor} asks the longest question the chat accepts, most of it emoji', function (this: GoldenPathWorld, user: ChatUser) {
  askLongestQuestion(this, user);
});

Given('{actor} has a conversation with the agent about her/his/their AI spend', async function (this: GoldenPathWorld, user: ChatUser) {
  await haveConversation(this, user);
});

When('{actor} asks a follow-up question in the same conversation', async function (this: GoldenPathWorld, user: ChatUser) {
  await askFollowUp(this, user);
});

When("{actor}'s app sends the same message again", function (user: ChatUser) {
  resendLatest(user);
});

Then("{actor}'s message is accepted promptly", function (user: ChatUser) {
  return messageIsAcceptedPromptly(user);
});

Then("{actor}'s question is in her/his/their history as soon as it is acknowledged", function (user: ChatUser) {
  return storedOnceAcknowledged(user);
});

Then('{actor} gets the same acknowledgement both times', function (user: ChatUser) {
  return sameAcknowledgementEveryTime(user);
});

Then("only one run answers {actor}'s message", function (user: ChatUser) {
  return onlyOneRunAnswers(user);
});
