import { Given, Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { asksFromInstance, cacheDownForAll, catchesUpByResuming, oneTabOnEachInstance, tabSeesWholeRun, twoInstances } from '../support/scenario/several-instances';

Given('the chat service runs as two instances sharing one database and cache', function (this: GoldenPathWorld) {
  return twoInstances(this);
});

Given('{actor} has one tab open on each instance', function (this: GoldenPathWorld, name: string) {
  return oneTabOnEachInstance(this, name);
});

Given('the cache between the instances is down', function (this: GoldenPathWorld) {
  cacheDownForAll(this);
});

When('{actor} asks the agent to analyse her/his/their AI spend from her/his/their tab on the {word} instance', function (this: GoldenPathWorld, name: string, which: string) {
  asksFromInstance(this, name, which as 'first' | 'second');
});

Then('{actor}\'s tab on the {word} instance sees the whole run, following every event rule', function (this: GoldenPathWorld, name: string, which: string) {
  return tabSeesWholeRun(this, name, which as 'first' | 'second');
});

Then('{actor}\'s tab on the {word} instance catches up on the run by resuming it', function (this: GoldenPathWorld, name: string, which: string) {
  return catchesUpByResuming(this, name, which as 'first' | 'second');
});
