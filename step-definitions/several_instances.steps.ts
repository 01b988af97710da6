import { Given, Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import { eachInstanceGivesItsName, tabOnInstanceCatchesUp, tabOnInstanceSeesTheWholeRun } from '../support/expectations/deployments';
import { ask } from '../support/scenario/conversation';
import { oneTabOnEachInstance, tabOn, twoInstances } from '../support/scenario/deployments';
import { changeDependency } from '../support/scenario/outages';
import type { GoldenPathWorld } from '../support/world';

Given('the chat service runs as two instances sharing one database and cache', function (this: GoldenPathWorld) {
  return twoInstances(this);
});

Given('{actor} has one tab open on each instance', function (this: GoldenPathWorld, user: ChatUser) {
  return oneTabOnEachInstance(user, this);
});

Given('the cache between the instances is down', function (this: GoldenPathWorld) {
  changeDependency(this, 'redis', 'cut');
});

When('{actor} asks the agent to analyse her/his/their AI spend from her/his/their tab on the {instance} instance', function (this: GoldenPathWorld, user: ChatUser, which: string) {
  ask(this, user, { tab: tabOn(user, which) });
});

Then("{actor}'s tab on the {instance} instance sees the whole run, following every event rule", function (user: ChatUser, which: string) {
  return tabOnInstanceSeesTheWholeRun(user, which);
});

Then("{actor}'s tab on the {instance} instance catches up on the run by resuming it", function (this: GoldenPathWorld, user: ChatUser, which: string) {
  return tabOnInstanceCatchesUp(this, user, which);
});

Then('each instance gives the name it was started with', function (this: GoldenPathWorld) {
  return eachInstanceGivesItsName(this);
});

Given('{actor} has a tab open on the {instance} instance', async function (this: GoldenPathWorld, user: ChatUser, which: string) {
  await user.openTab({ endpoint: this.target.instance(which), instanceLabel: which });
});
