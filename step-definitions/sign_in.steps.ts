import { Given } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { openChat } from '../support/scenario/conversation';
import { openTabs } from '../support/scenario/resilience';

Given('{actor} is signed in', function (this: GoldenPathWorld, name: string) {
  this.signIn(name);
});

Given('{actor} has the chat open', function (this: GoldenPathWorld, name: string) {
  return openChat(this, name);
});

Given('{actor} has the chat open in two tabs', function (this: GoldenPathWorld, name: string) {
  return openTabs(this, name, 2);
});
