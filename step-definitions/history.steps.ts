import { Then } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { conversationInHistory } from '../support/scenario/conversation';

Then('{actor} finds the conversation in her/his/their history', function (this: GoldenPathWorld, name: string) {
  return conversationInHistory(this, name);
});
