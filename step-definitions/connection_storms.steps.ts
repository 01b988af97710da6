import { Given, Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import {
  answeredInOrder, backToBaseline, chatServiceRestarts, churn, crowdConnectsWithin, crowdSignsIn, everyoneIsReady, everyoneToldGoingAway,
  noConnectionBroken, noteConnectionBaseline, opensOneTabTooMany, opensTabs, readinessWithinLimits, readyBeforeAnswered, refusedAsTooMany,
  sendsTheMomentItOpens, stillWorks,
} from '../support/scenario/race-conditions';

Given('a crowd of users is signed in', function (this: GoldenPathWorld) {
  crowdSignsIn(this);
});

Given('the crowd has the chat open', function (this: GoldenPathWorld) {
  return crowdConnectsWithin(this);
});

When('the whole crowd opens the chat within a second', function (this: GoldenPathWorld) {
  return crowdConnectsWithin(this);
});

When('the whole crowd reconnects at once', function (this: GoldenPathWorld) {
  return crowdConnectsWithin(this);
});

Then('every one of them is told the chat is ready', function (this: GoldenPathWorld) {
  everyoneIsReady(this);
});

Then('no connection is closed with an internal error or dropped', function (this: GoldenPathWorld) {
  noConnectionBroken(this);
});

Then('the time until the chat is ready stays within the environment\'s limits', function (this: GoldenPathWorld) {
  readinessWithinLimits(this);
});

When('{actor}\'s app sends a ping, a question and another ping the moment her/his/their connection opens', function (this: GoldenPathWorld, name: string) {
  return sendsTheMomentItOpens(this, name);
});

Then('the chat says it is ready before it answers anything {actor} sent', function (this: GoldenPathWorld, name: string) {
  return readyBeforeAnswered(this, name);
});

Then('{actor}\'s frames are answered in the order she/he/they sent them', function (this: GoldenPathWorld, name: string) {
  answeredInOrder(this, name);
});

Given('the chat service reports how many connections it holds', function (this: GoldenPathWorld) {
  return noteConnectionBaseline(this);
});

When('{actor} opens and closes the chat again and again in quick succession', function (this: GoldenPathWorld, name: string) {
  return churn(this, name);
});

Then('the chat service is back to the number of connections it held before', function (this: GoldenPathWorld) {
  return backToBaseline(this);
});

Then('{actor} can still open the chat and get an answer', function (this: GoldenPathWorld, name: string) {
  return stillWorks(this, name);
});

Given('{actor} has the chat open in ten tabs', function (this: GoldenPathWorld, name: string) {
  return opensTabs(this, name, 10);
});

When('{actor} opens an eleventh tab', function (this: GoldenPathWorld, name: string) {
  return opensOneTabTooMany(this, name);
});

Then('{actor}\'s eleventh tab is refused as one too many, before the connection is upgraded', function (this: GoldenPathWorld, name: string) {
  refusedAsTooMany(this, name);
});

When('the chat service restarts', function (this: GoldenPathWorld) {
  return chatServiceRestarts(this);
});

Then('every one of them was told the service was going away', function (this: GoldenPathWorld) {
  return everyoneToldGoingAway(this);
});
