import { Given } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { openChat } from '../support/scenario/conversation';

Given('{actor} is signed in', function (this: GoldenPathWorld, name: string) {
  this.signIn(name);
});

Given('{actor} has the chat open', function (this: GoldenPathWorld, name: string) {
  return openChat(this, name);
});
