import { Given, Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import {
  askedWhileDatabaseDown, breakableChatService, completeOrExplicitError, databaseFailsMidRun, dependencyComesBack, dependencyGoesDown, dependencyStopsAnswering,
  dependencyTurnsSlow, newChatReportsDegraded, readinessBecomes, retriesLatest, serviceStartsWithEverythingDown, toldRunFailed, toldToRetry,
} from '../support/scenario/dependency-faults';

Given('a chat service whose database and cache the test can break', function (this: GoldenPathWorld) {
  return breakableChatService(this, false);
});

Given('a chat service with a patient agent, whose database and cache the test can break', function (this: GoldenPathWorld) {
  return breakableChatService(this, true);
});

Given('the chat service starts while its database and cache are both down', function (this: GoldenPathWorld) {
  return serviceStartsWithEverythingDown(this);
});

When('the chat database goes down while the agent is working', function (this: GoldenPathWorld) {
  return databaseFailsMidRun(this, this.users[0]?.name ?? '');
});

Given('{actor} asked the agent while the chat database was down, and was told to retry', function (this: GoldenPathWorld, name: string) {
  return askedWhileDatabaseDown(this, name);
});

When('the chat database goes down', function (this: GoldenPathWorld) {
  dependencyGoesDown(this, 'postgres');
});

When('the chat database stops answering', function (this: GoldenPathWorld) {
  dependencyStopsAnswering(this, 'postgres');
});

When('the chat database becomes slow, taking about a second per round trip', function (this: GoldenPathWorld) {
  dependencyTurnsSlow(this, 'postgres');
});

When('the chat database comes back', function (this: GoldenPathWorld) {
  dependencyComesBack(this, 'postgres');
});

When('the cache goes down', function (this: GoldenPathWorld) {
  dependencyGoesDown(this, 'redis');
});

When('the cache comes back', function (this: GoldenPathWorld) {
  dependencyComesBack(this, 'redis');
});

When('the database and the cache come back', function (this: GoldenPathWorld) {
  dependencyComesBack(this, 'postgres');
  dependencyComesBack(this, 'redis');
});

When('{actor} sends her/his/their question again', function (this: GoldenPathWorld, name: string) {
  retriesLatest(this, name);
});

Then('{actor} is told the run failed, with an explanation, within seconds of the failure', function (this: GoldenPathWorld, name: string) {
  return toldRunFailed(this, name);
});

Then('{actor} is told within seconds that the service is unavailable and that she/he/they can retry', function (this: GoldenPathWorld, name: string) {
  return toldToRetry(this, name);
});

Then('{actor} gets either a complete answer or an explicit error, never silence', function (this: GoldenPathWorld, name: string) {
  return completeOrExplicitError(this, name);
});

Then('the chat service reports itself unavailable', function (this: GoldenPathWorld) {
  return readinessBecomes(this, 'unavailable');
});

Then('the chat service reports itself degraded', function (this: GoldenPathWorld) {
  return readinessBecomes(this, 'degraded');
});

Then('the chat service reports itself ready', function (this: GoldenPathWorld) {
  return readinessBecomes(this, 'ready');
});

When('the chat service reports itself ready again', function (this: GoldenPathWorld) {
  return readinessBecomes(this, 'ready');
});

Then('a chat {actor} opens now warns that the database is degraded', function (this: GoldenPathWorld, name: string) {
  return newChatReportsDegraded(this, name, ['postgres']);
});

Then('a chat {actor} opens now warns that the cache is degraded', function (this: GoldenPathWorld, name: string) {
  return newChatReportsDegraded(this, name, ['redis']);
});

Then('a chat {actor} opens now reports nothing degraded', function (this: GoldenPathWorld, name: string) {
  return newChatReportsDegraded(this, name, []);
});
