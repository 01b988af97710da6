import { Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import {
  bothInstancesReady, closedAsGoingAway, exitsCleanly, exitsWithErrorInTime, namesVariable, neverAnswered, runCompletesDespiteShutdown,
  shutdownDuringRun, startMisconfigured, twoInstancesStartTogether,
} from '../support/scenario/factory-initialization';

When('the chat service is started with {}', function (this: GoldenPathWorld, problem: string) {
  return startMisconfigured(this, problem);
});

Then('it exits with an error within seconds', function (this: GoldenPathWorld) {
  return exitsWithErrorInTime(this);
});

Then('its error output names {word}', function (this: GoldenPathWorld, variable: string) {
  namesVariable(this, variable);
});

Then('it never answered on its port', function (this: GoldenPathWorld) {
  neverAnswered(this);
});

When('two instances of the chat service start at the same moment on an empty database', function (this: GoldenPathWorld) {
  return twoInstancesStartTogether(this);
});

Then('both instances come up ready', function (this: GoldenPathWorld) {
  return bothInstancesReady(this);
});

When('the chat service is told to shut down while {actor}\'s run is in progress', function (this: GoldenPathWorld, name: string) {
  return shutdownDuringRun(this, name);
});

Then('{actor}\'s run still completes', function (this: GoldenPathWorld, name: string) {
  return runCompletesDespiteShutdown(this, name);
});

Then('{actor}\'s connection is closed as the service going away', function (this: GoldenPathWorld, name: string) {
  return closedAsGoingAway(this, name);
});

Then('the chat service exits cleanly', function (this: GoldenPathWorld) {
  return exitsCleanly(this);
});
