import { Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { newTabFollowsTheRestLive, nothingComesBackForTheResume, resumedStreamContinuesInOrder, runWentOnWithoutTheTabThatAsked, sawEveryEventAcrossTabs } from '../support/expectations/agent-events';
import { receivesNoneOfTheRun, toldTheRunWasNotFound } from '../support/expectations/isolation';
import { dropMidRun, opensTabMidRun, otherTabResumesFromStart, resumeAfterLastEvent, resumeInNewTab, resumeUnknownRun, triesToResumeSomeoneElsesRun } from '../support/scenario/resume';
import { UNKNOWN_IDS } from '../support/scenario/conversation';
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

When("{actor}'s other tab resumes the run from the start while the agent is working", async function (this: GoldenPathWorld, user: ChatUser) {
  await otherTabResumesFromStart(this, user);
});

Then("{actor}'s run went on to its answer while the tab that asked was gone", function (this: GoldenPathWorld, user: ChatUser) {
  return runWentOnWithoutTheTabThatAsked(this, user);
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

When('{actor} resumes that run after its last event', function (user: ChatUser) {
  resumeAfterLastEvent(user);
});

When('{actor} resumes a run that {unknownId}', function (user: ChatUser, what: keyof typeof UNKNOWN_IDS) {
  resumeUnknownRun(user, UNKNOWN_IDS[what]());
});

Then("nothing comes back for {actor}'s resume", function (user: ChatUser) {
  return nothingComesBackForTheResume(user);
});

When('{actor} opens another tab while the agent is working', async function (this: GoldenPathWorld, user: ChatUser) {
  await opensTabMidRun(this, user);
});

Then("{actor}'s new tab sees the rest of the run live, without resuming", function (user: ChatUser) {
  return newTabFollowsTheRestLive(user);
});
