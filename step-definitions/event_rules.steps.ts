import { Given, Then } from '@cucumber/cucumber';
import { expect } from '../support/expectations/golden-path-chai';
import { judgeBrokenExample, judgeWellFormedExample } from '../support/expectations/judges/event-rule-examples';
import { ExampleRun } from '../support/scenario/event-rule-examples';
import type { GoldenPathWorld } from '../support/world';

Given('a cost analysis run whose events arrive as {string}', function (this: GoldenPathWorld, stream: string) {
  this.state(ExampleRun).stream = stream;
});

Then('the run follows every event rule', function (this: GoldenPathWorld) {
  expect(judgeWellFormedExample(this.state(ExampleRun))).to.holdUp();
});

Then('the run breaks the rule {string}', function (this: GoldenPathWorld, title: string) {
  expect(judgeBrokenExample(this.state(ExampleRun), title)).to.holdUp();
});
