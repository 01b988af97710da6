import { Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { resumedStreamContinuesInOrder, sawEveryEventAcrossTabs } from '../support/expectations/agent-events';
import { receivesNoneOfTheRun, toldTheRunWasNotFound } from '../support/expectations/isolation';
import { dropMidRun, resumeInNewTab, triesToResumeSomeoneElsesRun } from '../support/scenario/resume';
import type { GoldenPathWorld } from '../support/world';

When("{actor}'s connection drops while the agent is working", function (this: GoldenPathWorld, user: ChatUser) {
  return dropMidRun(this, user);
});

When('{actor} reconnects and resumes the run from the last event she/he/they saw', async function (user: ChatUser) {
  await resumeInNewTab(user, false);
});

When('{actor} opens another tab while the agent is working and resumes the run from the start', async function (user: ChatUser) {
  await resumeInNewTab(user, true);
});

When("{actor} tries to resume {actor}'s run", async function (intruder: ChatUser, owner: ChatUser) {
  await triesToResumeSomeoneElsesRun(intruder, owner);
});

Then("together {actor}'s connections saw every event of the run, through to its completion", function (this: GoldenPathWorld, user: ChatUser) {
  return sawEveryEventAcrossTabs(this, user);
});

Then("{actor}'s resumed stream continues in order, without gaps, to the run's end", function (this: GoldenPathWorld, user: ChatUser) {
  return resumedStreamContinuesInOrder(this, user);
});

Then('{actor} is told the run was not found', function (this: GoldenPathWorld, user: ChatUser) {
  return toldTheRunWasNotFound(this, user);
});

Then("{actor} receives none of {actor}'s events", function (viewer: ChatUser, owner: ChatUser) {
  return receivesNoneOfTheRun(viewer, owner);
});
