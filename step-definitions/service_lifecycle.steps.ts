import { Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import {
  bothInstancesReady, closedAsGoingAway, exitsCleanly, exitsWithAnError, namesTheVariable, neverAnswered, newQuestionToldUnavailable, newTabNotLetIn, reportsItselfHealthy,
  runStillCompletes, toldTheRunFailedBeforeGoodbye,
} from '../support/expectations/deployments';
import { asksAndKnocksDuringShutdown, shutdownDuringRun, startMisconfigured, twoInstancesStartTogether } from '../support/scenario/deployments';
import type { GoldenPathWorld } from '../support/world';

When('the chat service is started with {}', async function (this: GoldenPathWorld, problem: string) {
  await startMisconfigured(this, problem);
});

Then('it exits with an error within seconds', function (this: GoldenPathWorld) {
  exitsWithAnError(this);
});

Then('its error output names {word}', function (this: GoldenPathWorld, variable: string) {
  namesTheVariable(this, variable);
});

Then('it never answered on its port', function (this: GoldenPathWorld) {
  neverAnswered(this);
});

When('two instances of the chat service start at the same moment on an empty database', function (this: GoldenPathWorld) {
  return twoInstancesStartTogether(this);
});

Then('both instances come up ready', function (this: GoldenPathWorld) {
  bothInstancesReady(this);
});

When("the chat service is told to shut down while {actor}'s run is in progress", function (this: GoldenPathWorld, user: ChatUser) {
  return shutdownDuringRun(this, user);
});

Then("{actor}'s run still completes", function (user: ChatUser) {
  return runStillCompletes(user);
});

Then("{actor}'s connection is closed as the service going away", function (this: GoldenPathWorld, user: ChatUser) {
  return closedAsGoingAway(this, user);
});

Then('the chat service exits cleanly', function (this: GoldenPathWorld) {
  return exitsCleanly(this);
});

When('{actor} asks another question and tries to open another tab while it shuts down', function (this: GoldenPathWorld, user: ChatUser) {
  return asksAndKnocksDuringShutdown(this, user);
});

Then("{actor}'s new question is told the service is unavailable", function (user: ChatUser) {
  return newQuestionToldUnavailable(user);
});

Then("{actor}'s new tab is not let in", function (user: ChatUser) {
  newTabNotLetIn(user);
});

Then('{actor} is told the run failed, with an explanation, before her/his/their connection is closed as the service going away', function (this: GoldenPathWorld, user: ChatUser) {
  return toldTheRunFailedBeforeGoodbye(this, user);
});

Then('the chat service reports itself healthy', function (this: GoldenPathWorld) {
  return reportsItselfHealthy(this);
});
