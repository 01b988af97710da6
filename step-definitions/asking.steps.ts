import { Given, Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { messageIsAcceptedPromptly, onlyOneRunAnswers, sameAcknowledgementEveryTime, storedOnceAcknowledged } from '../support/expectations/agent-events';
import { ask, askFollowUp, askInThreadThat, askLongestQuestion, haveConversation, haveLongConversation, resendFrom, resendLatest, type UNKNOWN_IDS } from '../support/scenario/conversation';
import { tabOn } from '../support/scenario/deployments';
import { nothingWrittenInTheNamedConversation } from '../support/expectations/isolation';
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

Given('{actor} has had a conversation of {int} questions with the agent', function (this: GoldenPathWorld, user: ChatUser, count: number) {
  return haveLongConversation(this, user, count);
});

When('{actor} asks the agent in a conversation that {unknownId}', function (this: GoldenPathWorld, user: ChatUser, what: keyof typeof UNKNOWN_IDS) {
  askInThreadThat(this, user, what);
});

When("{actor}'s app sends the same message again from her/his/their other tab", function (user: ChatUser) {
  const other = user.tabs.find((tab) => tab !== user.latestMessage.tab && tab.isOpen);
  if (other === undefined) throw new Error(`${user.name} has no other tab open`);
  resendFrom(user, other);
});

When("{actor}'s app sends the same message again from her/his/their tab on the {instance} instance", function (user: ChatUser, which: string) {
  resendFrom(user, tabOn(user, which));
});

Then('nothing was written in the conversation {actor} named', function (user: ChatUser) {
  return nothingWrittenInTheNamedConversation(user);
});
