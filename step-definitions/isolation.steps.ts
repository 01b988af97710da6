import { Given, Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import {
  conversationHoldsNothingFrom, everyoneWatchesTheirOwnRun, nobodySeesAnotherUsersFrames, toldThatConversationDoesNotExist, toldTheConversationDoesNotExist,
} from '../support/expectations/isolation';
import { crowdAsksAtOnce, manyUsersWithChatsOpen } from '../support/scenario/crowds';
import { triesToPostIntoSomeoneElsesConversation, triesToReadSomeoneElsesConversation } from '../support/scenario/intrusions';
import type { GoldenPathWorld } from '../support/world';

Given('many users are signed in, each with the chat open', function (this: GoldenPathWorld) {
  return manyUsersWithChatsOpen(this);
});

When('they all ask the agent to analyse their AI spend at the same moment', function (this: GoldenPathWorld) {
  crowdAsksAtOnce(this);
});

Then('every one of them watches their own run complete, following every event rule', function (this: GoldenPathWorld) {
  return everyoneWatchesTheirOwnRun(this);
});

Then("nobody receives a single frame of anybody else's run", function (this: GoldenPathWorld) {
  return nobodySeesAnotherUsersFrames(this);
});

When("{actor} tries to post into {actor}'s conversation", function (intruder: ChatUser, owner: ChatUser) {
  return triesToPostIntoSomeoneElsesConversation(intruder, owner);
});

When("{actor} tries to read {actor}'s conversation", function (intruder: ChatUser, owner: ChatUser) {
  return triesToReadSomeoneElsesConversation(intruder, owner);
});

Then('{actor} is told the conversation does not exist', function (user: ChatUser) {
  return toldTheConversationDoesNotExist(user);
});

Then('{actor} is told that conversation does not exist, and sees nothing of it', function (this: GoldenPathWorld, reader: ChatUser) {
  toldThatConversationDoesNotExist(this, reader);
});

Then("{actor}'s conversation holds nothing {actor} wrote", function (owner: ChatUser, intruder: ChatUser) {
  return conversationHoldsNothingFrom(owner, intruder);
});
