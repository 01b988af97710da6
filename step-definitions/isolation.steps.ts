import { Given, Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import {
  conversationUntouched, crowdAsksAtOnce, crowdWithChatsOpen, everyoneWatchesOwnRun, nobodySeesAnotherUsersFrames, toldConversationNotFound,
  toldItDoesNotExist, triesToPostIntoSomeoneElsesConversation, triesToReadSomeoneElsesConversation,
} from '../support/scenario/isolation';

Given('many users are signed in, each with the chat open', function (this: GoldenPathWorld) {
  return crowdWithChatsOpen(this);
});

When('they all ask the agent to analyse their AI spend at the same moment', function (this: GoldenPathWorld) {
  crowdAsksAtOnce(this);
});

Then('every one of them watches their own run complete, following every event rule', function (this: GoldenPathWorld) {
  return everyoneWatchesOwnRun(this);
});

Then('nobody receives a single frame of anybody else\'s run', function (this: GoldenPathWorld) {
  return nobodySeesAnotherUsersFrames(this);
});

When('{actor} tries to post into {actor}\'s conversation', function (this: GoldenPathWorld, intruder: string, owner: string) {
  return triesToPostIntoSomeoneElsesConversation(this, intruder, owner);
});

When('{actor} tries to read {actor}\'s conversation', function (this: GoldenPathWorld, intruder: string, owner: string) {
  return triesToReadSomeoneElsesConversation(this, intruder, owner);
});

Then('{actor} is told the conversation does not exist', function (this: GoldenPathWorld, name: string) {
  return toldConversationNotFound(this, name);
});

Then('{actor} is told that conversation does not exist, and sees nothing of it', function (this: GoldenPathWorld, name: string) {
  toldItDoesNotExist(this, name);
});

Then('{actor}\'s conversation holds nothing {actor} wrote', function (this: GoldenPathWorld, owner: string, intruder: string) {
  return conversationUntouched(this, owner, intruder);
});
