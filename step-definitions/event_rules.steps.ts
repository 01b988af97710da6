import { Given, Then } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { breaksRule, exampleRun, followsEveryRule } from '../support/scenario/event-rule-examples';

Given('a run whose events arrive as {string}', function (this: GoldenPathWorld, stream: string) {
  exampleRun(this, stream, false);
});

Given('a cost analysis run whose events arrive as {string}', function (this: GoldenPathWorld, stream: string) {
  exampleRun(this, stream, true);
});

Then('the run follows every event rule', function (this: GoldenPathWorld) {
  followsEveryRule(this);
});

Then('the run breaks the rule {string}', function (this: GoldenPathWorld, rule: string) {
  breaksRule(this, rule);
});
