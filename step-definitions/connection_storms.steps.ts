import { Given, Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import {
  answeredInTheOrderSent, backToTheConnectionsBefore, everyoneIsReady, everyoneToldGoingAway, noConnectionBroken, readyBeforeAnythingIsAnswered,
  countsTheTabsOpened, onlyTheLimitGetsIn, pongWithTheSameNonce, refusedAsOneTooMany,
} from '../support/expectations/race-conditions';
import { closesAllTabs, opensTabsAtOnce, pingsWith } from '../support/scenario/connection-life';
import { crowdConnects, crowdSignsIn } from '../support/scenario/crowds';
import { churn, EARLY_PINGS, sendsTheMomentItOpens } from '../support/scenario/early-frames';
import { restartUnderTheCrowd } from '../support/scenario/deployments';
import { aServiceNobodyElseUses, noteConnectionCount } from '../support/scenario/service-health';
import type { GoldenPathWorld } from '../support/world';

Given('a crowd of users is signed in', function (this: GoldenPathWorld) {
  crowdSignsIn(this);
});

Given('the crowd has the chat open', function (this: GoldenPathWorld) {
  return crowdConnects(this);
});

When('the whole crowd opens the chat at once', function (this: GoldenPathWorld) {
  return crowdConnects(this);
});

When('the whole crowd reconnects at once', function (this: GoldenPathWorld) {
  return crowdConnects(this);
});

Then('every one of them is told the chat is ready', function (this: GoldenPathWorld) {
  everyoneIsReady(this);
});

Then('no connection is closed with an internal error or dropped', function (this: GoldenPathWorld) {
  noConnectionBroken(this);
});

When("{actor}'s app sends a ping, a question and another ping the moment her/his/their connection opens", async function (this: GoldenPathWorld, user: ChatUser) {
  await sendsTheMomentItOpens(this, user);
});

Then('the chat says it is ready before it answers anything {actor} sent', function (this: GoldenPathWorld, user: ChatUser) {
  return readyBeforeAnythingIsAnswered(this, user, EARLY_PINGS[1]);
});

Then("{actor}'s frames are answered in the order she/he/they sent them", function (user: ChatUser) {
  answeredInTheOrderSent(user, EARLY_PINGS, user.latestMessage.clientMessageId);
});

Given('a chat service nobody else is using', function (this: GoldenPathWorld) {
  return aServiceNobodyElseUses(this);
});

Given('the chat service reports how many connections it holds', function (this: GoldenPathWorld) {
  return noteConnectionCount(this);
});

When('{actor} opens and closes the chat again and again in quick succession', function (this: GoldenPathWorld, user: ChatUser) {
  return churn(this, user);
});

Then('the chat service is back to the number of connections it held before', function (this: GoldenPathWorld) {
  return backToTheConnectionsBefore(this, `${this.profile.churnCycles} connect/close cycles`);
});

Then("{actor}'s extra tab is refused as one too many, before the connection is upgraded", function (user: ChatUser) {
  refusedAsOneTooMany(user);
});

When('the chat service restarts', function (this: GoldenPathWorld) {
  return restartUnderTheCrowd(this);
});

Then('every one of them was told the service was going away', function (this: GoldenPathWorld) {
  return everyoneToldGoingAway(this);
});

When('{actor} opens {int} tabs at the same moment', async function (user: ChatUser, count: number) {
  await opensTabsAtOnce(user, count);
});

Then("as many of {actor}'s tabs as one user may have are ready, and the rest are refused as too many before the upgrade", function (user: ChatUser) {
  onlyTheLimitGetsIn(user, user.attempts.length);
});

When('{actor} opens the chat in {int} tabs', async function (user: ChatUser, count: number) {
  await user.openTabs(count);
});

Then('the chat service counts {int} connections more than before', function (this: GoldenPathWorld, count: number) {
  return countsTheTabsOpened(this, count, `opening ${count} tabs`);
});

When('{actor} closes all her/his/their tabs', function (user: ChatUser) {
  return closesAllTabs(user);
});

When("{actor}'s app pings the chat with {nonce}", function (user: ChatUser, kind: string) {
  pingsWith(user, kind);
});

Then("{actor}'s app gets a pong with the same nonce", function (this: GoldenPathWorld, user: ChatUser) {
  return pongWithTheSameNonce(this, user);
});
