import { Given, Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import {
  afterThePauseGetsAnAnswer, closedBecauseBinary, closedBecauseTooBig, everyFrameServed, fuzzBrokeNothing, stillReportsItselfHealthy, toldTheFrameWas, toldToSlowDown,
} from '../support/expectations/hostile-input';
import { VERDICTS } from '../support/parameter-types';
import { crowdSendsRandomFrames, hostileCrowdConnects } from '../support/scenario/fuzz-barrage';
import { ALWAYS_SERVED, Floods, sendsBinary, sendsBurst, sendsMalformed, sendsOversize } from '../support/scenario/raw-frames';
import type { GoldenPathWorld } from '../support/world';
import { QUEUED_PINGS, sendsQueueWithTheHandshake } from '../support/scenario/early-frames';
import { queuedFramesServedAfterReady } from '../support/expectations/race-conditions';
import { keptAsWrittenOrRefused } from '../support/expectations/hostile-input';
import { askWithNul } from '../support/scenario/conversation';

When("{actor}'s app sends {malformedFrame}", function (user: ChatUser, frame: string) {
  sendsMalformed(user, frame);
});

Then("{actor}'s app is told the message was {frameVerdict}", function (this: GoldenPathWorld, user: ChatUser, verdict: keyof typeof VERDICTS) {
  return toldTheFrameWas(this, user, VERDICTS[verdict]);
});

When("{actor}'s app sends a message larger than the chat accepts, in one piece", function (user: ChatUser) {
  sendsOversize(user, false);
});

When("{actor}'s app sends a message larger than the chat accepts, in small fragments", function (user: ChatUser) {
  sendsOversize(user, true);
});

Then("{actor}'s chat is closed because the message was too big", function (this: GoldenPathWorld, user: ChatUser) {
  return closedBecauseTooBig(this, user);
});

When("{actor}'s app sends binary data", function (user: ChatUser) {
  sendsBinary(user);
});

Then("{actor}'s chat is closed because binary data is not supported", function (this: GoldenPathWorld, user: ChatUser) {
  return closedBecauseBinary(this, user);
});

When("{actor}'s app sends {int} frames at once", async function (this: GoldenPathWorld, user: ChatUser, count: number) {
  await sendsBurst(user, count, this.state(Floods));
});

When("{actor}'s app sends as many frames at once as the protocol allows in a second", async function (this: GoldenPathWorld, user: ChatUser) {
  await sendsBurst(user, ALWAYS_SERVED, this.state(Floods));
});

Then("{actor}'s app is told to slow down, and for how long", function (this: GoldenPathWorld, user: ChatUser) {
  toldToSlowDown(this, user);
});

Then("once {actor}'s app has waited as long as the chat asked, she/he/they can ask the agent and get an answer again", function (this: GoldenPathWorld, user: ChatUser) {
  return afterThePauseGetsAnAnswer(this, user);
});

Then("every one of {actor}'s frames is served", function (this: GoldenPathWorld, user: ChatUser) {
  everyFrameServed(this, user);
});

Given('a crowd of hostile apps has the chat open in many tabs', function (this: GoldenPathWorld) {
  return hostileCrowdConnects(this);
});

When('the hostile apps send thousands of random frames', async function (this: GoldenPathWorld) {
  await crowdSendsRandomFrames(this);
});

Then('no random frame closed, dropped or stalled a connection', function (this: GoldenPathWorld) {
  fuzzBrokeNothing(this);
});

Then('the chat service still reports itself healthy', function (this: GoldenPathWorld) {
  return stillReportsItselfHealthy(this);
});

When("{actor}'s app opens the chat and sends the frames it queued while offline, before the chat is ready", async function (user: ChatUser) {
  await sendsQueueWithTheHandshake(user);
});

Then("every one of {actor}'s queued frames is answered in order once the chat is ready, none told to slow down", function (this: GoldenPathWorld, user: ChatUser) {
  return queuedFramesServedAfterReady(this, user, QUEUED_PINGS);
});

When('{actor} asks the agent a question with a null character pasted into it', function (this: GoldenPathWorld, user: ChatUser) {
  askWithNul(this, user);
});

Then("{actor}'s question is kept exactly as she/he/they wrote it, or refused as invalid, but never answered with a server error", function (this: GoldenPathWorld, user: ChatUser) {
  return keptAsWrittenOrRefused(this, user);
});
