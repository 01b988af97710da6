import { Given, Then } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { readingTabFollowsOnTime, stalledTabCatchesUp } from '../support/expectations/slow-tab';
import { stallATab } from '../support/scenario/slow-tab';
import type { GoldenPathWorld } from '../support/world';

Given("one of {actor}'s tabs has stopped reading, with more waiting for it than the network can hold", async function (this: GoldenPathWorld, user: ChatUser) {
  await stallATab(this, user);
});

Then('the tab {actor} is reading follows the whole run within the protocol\'s timing', function (this: GoldenPathWorld, user: ChatUser) {
  return readingTabFollowsOnTime(this, user);
});

Then("once {actor}'s stalled tab reads again, it has the whole run, or gets it back by resuming", function (this: GoldenPathWorld, user: ChatUser) {
  return stalledTabCatchesUp(this, user);
});
