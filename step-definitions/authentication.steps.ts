import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { GoldenPathWorld } from '../support/world';
import { CREDENTIAL_NAMES } from '../support/auth/hostile-tokens';
import {
  asksFromBrowser, browserShowedWholeRun, chatOpensAsPresented, closedForExpiry, conversationUnchanged, opensChatWith, REFUSAL_KINDS,
  refusedBeforeUpgrade, signInExpires, toldMayNotWrite, type RefusalKind,
} from '../support/scenario/authentication';

const alternatives = (names: readonly string[]): RegExp => new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** A way of presenting oneself when opening the chat: "no token at all", "an unsigned token"… (support/auth/hostile-tokens.ts). */
defineParameterType({ name: 'credential', regexp: alternatives(CREDENTIAL_NAMES) });
/** How a handshake is refused: "not signed in" (401) or "not allowed to read" (403). */
defineParameterType({ name: 'refusal', regexp: alternatives(REFUSAL_KINDS), transformer: (kind: string) => kind as RefusalKind });

Given('{actor} opens the chat with {credential}', function (this: GoldenPathWorld, name: string, credential: string) {
  return opensChatWith(this, name, credential);
});

Then('{actor} is refused as {refusal} before the chat opens, and told why', function (this: GoldenPathWorld, name: string, refusal: RefusalKind) {
  refusedBeforeUpgrade(this, name, refusal);
});

Then('{actor}\'s chat is ready, and agrees to the way her/his/their app presented the token', function (this: GoldenPathWorld, name: string) {
  chatOpensAsPresented(this, name);
});

Then('{actor} is told she/he/they may not write', function (this: GoldenPathWorld, name: string) {
  return toldMayNotWrite(this, name);
});

Then('{actor}\'s conversation holds only what was there before', function (this: GoldenPathWorld, name: string) {
  return conversationUnchanged(this, name);
});

When('{actor}\'s sign-in expires while her/his/their chat is open', function (this: GoldenPathWorld, name: string) {
  return signInExpires(this, name);
});

Then('{actor}\'s chat is closed for an expired sign-in, within two seconds of the expiry plus the clock-skew leeway', function (this: GoldenPathWorld, name: string) {
  closedForExpiry(this, name);
});

When('{actor} asks the agent to analyse her/his/their AI spend from a web browser', function (this: GoldenPathWorld, name: string) {
  return asksFromBrowser(this, name);
});

Then('the browser shows {actor} the agent start, think, use its tools and complete', function (this: GoldenPathWorld, name: string) {
  browserShowedWholeRun(this, name);
});
