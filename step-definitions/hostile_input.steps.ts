import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { MALFORMED_FRAME_NAMES } from '../support/actors/hostile-frames';
import { ask } from '../support/scenario/conversation';
import {
  closedWith, crowdSendsRandomFrames, fuzzBrokeNothing, hostileCrowdConnects, longestQuestion, sendsBinary, sendsFlood, sendsMalformed, sendsOversize,
  stillHealthy, toldFrameWas, toldToSlowDown, VERDICT_NAMES, waitsAsAsked, type Verdict,
} from '../support/scenario/hostile-input';

const alternatives = (names: readonly string[]): RegExp => new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** A named malformed frame: "a bare number", "a question without content"… (support/actors/hostile-frames.ts). */
defineParameterType({ name: 'malformedFrame', regexp: alternatives(MALFORMED_FRAME_NAMES) });
/** What the chat must call a rejected frame: "invalid" or "of a kind the chat does not support". */
defineParameterType({ name: 'frameVerdict', regexp: alternatives(VERDICT_NAMES), transformer: (verdict: string) => verdict as Verdict });

When('{actor}\'s app sends {malformedFrame}', function (this: GoldenPathWorld, name: string, frame: string) {
  sendsMalformed(this, name, frame);
});

Then('{actor}\'s app is told the message was {frameVerdict}', function (this: GoldenPathWorld, name: string, verdict: Verdict) {
  return toldFrameWas(this, name, verdict);
});

When('{actor} asks a question of exactly 8,000 characters, emoji included', function (this: GoldenPathWorld, name: string) {
  ask(this, name, longestQuestion());
});

When('{actor}\'s app sends a message larger than the chat accepts, in one piece', function (this: GoldenPathWorld, name: string) {
  sendsOversize(this, name, false);
});

When('{actor}\'s app sends a message larger than the chat accepts, in small fragments', function (this: GoldenPathWorld, name: string) {
  sendsOversize(this, name, true);
});

Then('{actor}\'s chat is closed because the message was too big', function (this: GoldenPathWorld, name: string) {
  return closedWith(this, name, 1009);
});

When('{actor}\'s app sends binary data', function (this: GoldenPathWorld, name: string) {
  sendsBinary(this, name);
});

Then('{actor}\'s chat is closed because binary data is not supported', function (this: GoldenPathWorld, name: string) {
  return closedWith(this, name, 1003);
});

When('{actor}\'s app sends a hundred frames at once', function (this: GoldenPathWorld, name: string) {
  sendsFlood(this, name);
});

Then('{actor}\'s app is told to slow down, and for how long', function (this: GoldenPathWorld, name: string) {
  return toldToSlowDown(this, name);
});

When('{actor}\'s app waits as long as the chat asked', function (this: GoldenPathWorld, name: string) {
  return waitsAsAsked(this, name);
});

Given('a crowd of hostile apps has the chat open in many tabs', function (this: GoldenPathWorld) {
  return hostileCrowdConnects(this);
});

When('the hostile apps send thousands of random frames', function (this: GoldenPathWorld) {
  return crowdSendsRandomFrames(this);
});

Then('no random frame closed, dropped or stalled a connection', function (this: GoldenPathWorld) {
  fuzzBrokeNothing(this);
});

Then('the chat service still reports itself healthy', function (this: GoldenPathWorld) {
  return stillHealthy(this);
});
