import { Given, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { changeDependency, chatServiceThatCanFail, databaseFailsOnAcknowledgement } from '../support/scenario/outages';
import type { GoldenPathWorld } from '../support/world';

Given('a chat service whose database answers a little slowly, and can fail', async function (this: GoldenPathWorld) {
  await chatServiceThatCanFail(this);
  changeDependency(this, 'postgres', 'slowed', this.profile.raceLatencyMs);
});

When("the chat database goes down the moment {actor}'s message is acknowledged", function (this: GoldenPathWorld, user: ChatUser) {
  return databaseFailsOnAcknowledgement(this, user);
});
