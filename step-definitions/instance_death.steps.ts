import { Given, Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { otherTabToldTheRunEnded, resumeFindsTheRunEnded } from '../support/expectations/instance-death';
import { aloneOnItsDatabase, instanceDiesDuringTool, resumesTheDeadRun, startedAgain, twoInstancesWithSlowAgent } from '../support/scenario/instance-death';
import type { GoldenPathWorld } from '../support/world';

Given('the chat service runs as two instances sharing one database and cache, with a slow agent', function (this: GoldenPathWorld) {
  return twoInstancesWithSlowAgent(this);
});

Given('a chat service alone on a database of its own, with a slow agent', function (this: GoldenPathWorld) {
  return aloneOnItsDatabase(this);
});

When("the {instance} instance dies while {actor}'s agent is using a tool", function (this: GoldenPathWorld, which: string, user: ChatUser) {
  return instanceDiesDuringTool(this, user, this.target.instance(which), user.tabs.filter((tab) => tab.label.endsWith(`@${which}`)));
});

When("the chat service dies while {actor}'s agent is using a tool", function (this: GoldenPathWorld, user: ChatUser) {
  return instanceDiesDuringTool(this, user, this.target.ownBackend, user.tabs);
});

When('the chat service is started again', function (this: GoldenPathWorld) {
  return startedAgain(this);
});

When('{actor} reconnects to the {instance} instance and resumes her/his/their run', function (this: GoldenPathWorld, user: ChatUser, which: string) {
  return resumesTheDeadRun(this, user, which);
});

When('{actor} reconnects and resumes her/his/their run', function (this: GoldenPathWorld, user: ChatUser) {
  return resumesTheDeadRun(this, user);
});

Then("{actor}'s tab on the {instance} instance is told the run failed and that she/he/they can ask again", function (this: GoldenPathWorld, user: ChatUser, which: string) {
  return otherTabToldTheRunEnded(this, user, which);
});

Then('{actor} is told the run failed and that she/he/they can ask again', function (this: GoldenPathWorld, user: ChatUser) {
  return resumeFindsTheRunEnded(this, user);
});
