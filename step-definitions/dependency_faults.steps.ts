import { Given, Then, When } from '@cucumber/cucumber';
import type { ReadinessStatus } from '../protocol/constants';
import type { ChatUser } from '../support/actors/chat-user';
import { toldTheRunFailed } from '../support/expectations/agent-events';
import { completeAnswerOrExplicitError, newChatWarnsOf, reportsItself, retryAcceptedOnce, toldUnavailableAndCanRetry } from '../support/expectations/service-dependencies';
import { askedWhileDatabaseDown, changeDependency, chatServiceThatCanFail, databaseFailsWhileToolRuns, type DependencyChange } from '../support/scenario/outages';
import { untilReadiness } from '../support/scenario/service-health';
import type { GoldenPathWorld } from '../support/world';

Given('a chat service whose database and cache can fail', async function (this: GoldenPathWorld) {
  await chatServiceThatCanFail(this);
});

Given('a chat service with a patient agent, whose database and cache can fail', async function (this: GoldenPathWorld) {
  await chatServiceThatCanFail(this, { paced: true });
});

Given('the chat service starts while its database and cache are both down', async function (this: GoldenPathWorld) {
  await chatServiceThatCanFail(this, { dependenciesDownAtStart: true });
});

When('the chat database goes down while the agent is using a tool', function (this: GoldenPathWorld) {
  return databaseFailsWhileToolRuns(this);
});

Given('{actor} asked the agent while the chat database was down', function (this: GoldenPathWorld, user: ChatUser) {
  return askedWhileDatabaseDown(this, user);
});

When('the chat database {databaseFailure}', function (this: GoldenPathWorld, change: DependencyChange['change']) {
  changeDependency(this, 'postgres', change);
});

When('the chat database becomes slow', function (this: GoldenPathWorld) {
  changeDependency(this, 'postgres', 'slowed');
});

When('the chat database is back and the service is ready again', async function (this: GoldenPathWorld) {
  changeDependency(this, 'postgres', 'restored');
  await untilReadiness(this, 'ready');
});

When('the cache goes down', function (this: GoldenPathWorld) {
  changeDependency(this, 'redis', 'cut');
});

Given('the cache is down and the service knows it', async function (this: GoldenPathWorld) {
  changeDependency(this, 'redis', 'cut');
  await untilReadiness(this, 'degraded');
});

When('the cache comes back', function (this: GoldenPathWorld) {
  changeDependency(this, 'redis', 'restored');
});

When('the database and the cache come back', function (this: GoldenPathWorld) {
  changeDependency(this, 'postgres', 'restored');
  changeDependency(this, 'redis', 'restored');
});

When('{actor} sends her/his/their question again', function (user: ChatUser) {
  user.resend(user.latestMessage, user.chat);
});

Then("{actor}'s retry is accepted, exactly once", function (user: ChatUser) {
  return retryAcceptedOnce(user);
});

Then('{actor} is told the run failed, with an explanation, within seconds of the failure', function (this: GoldenPathWorld, user: ChatUser) {
  return toldTheRunFailed(this, user);
});

Then('{actor} is told within seconds that the service is unavailable and that she/he/they can retry', function (this: GoldenPathWorld, user: ChatUser) {
  return toldUnavailableAndCanRetry(this, user);
});

Then('{actor} gets either a complete answer or an explicit error, never silence', function (this: GoldenPathWorld, user: ChatUser) {
  return completeAnswerOrExplicitError(this, user);
});

Then('the chat service reports itself {readiness}', function (this: GoldenPathWorld, status: ReadinessStatus) {
  return reportsItself(this, status);
});

Then('a chat {actor} opens now warns that the database is degraded', function (this: GoldenPathWorld, user: ChatUser) {
  return newChatWarnsOf(this, user, ['postgres']);
});

Then('a chat {actor} opens now warns that the cache is degraded', function (this: GoldenPathWorld, user: ChatUser) {
  return newChatWarnsOf(this, user, ['redis']);
});

Then('a chat {actor} opens now reports nothing degraded', function (this: GoldenPathWorld, user: ChatUser) {
  return newChatWarnsOf(this, user, []);
});

Given('a chat service with a very slow agent, whose database and cache can fail', async function (this: GoldenPathWorld) {
  await chatServiceThatCanFail(this, { stepDelayMs: this.profile.slowStepDelayMs });
});
