import { Given, Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { breakableChatService, databaseFailsMidRun, toldRunFailed } from '../support/scenario/dependency-faults';

Given('a chat service whose database and cache the test can break', function (this: GoldenPathWorld) {
  return breakableChatService(this, false);
});

Given('a chat service with a patient agent, whose database and cache the test can break', function (this: GoldenPathWorld) {
  return breakableChatService(this, true);
});

When('the chat database goes down while the agent is working', function (this: GoldenPathWorld) {
  return databaseFailsMidRun(this, this.users[0]?.name ?? '');
});

Then('{actor} is told the run failed, with an explanation, within seconds of the failure', function (this: GoldenPathWorld, name: string) {
  return toldRunFailed(this, name);
});
