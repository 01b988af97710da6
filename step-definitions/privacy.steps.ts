import { Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { receivesNoneOfTheirEvents, toldRunNotFound, triesToResumeSomeoneElsesRun } from '../support/scenario/resilience';

When('{actor} tries to resume {actor}\'s run', function (this: GoldenPathWorld, intruder: string, owner: string) {
  return triesToResumeSomeoneElsesRun(this, intruder, owner);
});

Then('{actor} is told the run was not found', function (this: GoldenPathWorld, name: string) {
  return toldRunNotFound(this, name);
});

Then('{actor} receives none of {actor}\'s events', function (this: GoldenPathWorld, name: string, owner: string) {
  return receivesNoneOfTheirEvents(this, name, owner);
});
