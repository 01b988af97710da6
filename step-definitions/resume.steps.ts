import { Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { dropMidRun, everyEventSeenAcrossConnections, resumedStreamInOrder, resumeInNewTab } from '../support/scenario/resilience';

When('{actor}\'s connection drops while the agent is working', function (this: GoldenPathWorld, name: string) {
  return dropMidRun(this, name);
});

When('{actor} reconnects and resumes the run from the last event she/he/they saw', function (this: GoldenPathWorld, name: string) {
  return resumeInNewTab(this, name, false);
});

When('{actor} opens another tab while the agent is working and resumes the run from the start', function (this: GoldenPathWorld, name: string) {
  return resumeInNewTab(this, name, true);
});

Then('together {actor}\'s connections saw every event of the run, through to its completion', function (this: GoldenPathWorld, name: string) {
  everyEventSeenAcrossConnections(this, name);
});

Then('{actor}\'s resumed stream continues in order, without gaps, to the run\'s end', function (this: GoldenPathWorld, name: string) {
  resumedStreamInOrder(this, name);
});
