import { Given, When } from '@cucumber/cucumber';
import { Limits } from '../protocol/constants';
import type { ChatUser } from '../support/actors/chat-user';
import { opensChatWith, signInWithLowerCaseIdOf, signInWithUserId } from '../support/scenario/sign-in';
import type { GoldenPathWorld } from '../support/world';

Given('{person} is signed in', function (this: GoldenPathWorld, name: string) {
  this.signIn(name);
});

Given('{person} is signed in with a user id {userIdShape}', function (this: GoldenPathWorld, name: string, shape: string) {
  signInWithUserId(this, name, shape);
});

Given("{person} is signed in with {actor}'s user id in lower case", function (this: GoldenPathWorld, name: string, other: ChatUser) {
  signInWithLowerCaseIdOf(this, name, other);
});

Given('{actor} has the chat open', async function (user: ChatUser) {
  await user.openTab();
});

Given('{actor} has the chat open in {int} tabs', async function (user: ChatUser, count: number) {
  await user.openTabs(count);
});

Given('{actor} has the chat open in as many tabs as one user may have', async function (user: ChatUser) {
  await user.openTabs(Limits.maxConnectionsPerUser);
});

When('{actor} opens one tab more than one user may have', async function (this: GoldenPathWorld, user: ChatUser) {
  await opensChatWith(this, user, 'her token in the authorization header');
});

When('{actor} opens the chat with {credential}', async function (this: GoldenPathWorld, user: ChatUser, credential: string) {
  await opensChatWith(this, user, credential);
});

Given('{actor} has the chat open with {credential}', async function (this: GoldenPathWorld, user: ChatUser, credential: string) {
  await opensChatWith(this, user, credential);
});
