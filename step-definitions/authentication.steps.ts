import { Then, When } from '@cucumber/cucumber';
import type { ChatUser } from '../support/actors/chat-user';
import {
  browserShowedTheWholeRun, caseTwinSeesNothing, chatClosedForExpiredSignIn, chatOpensAsPresented, conversationHoldsOnlyWhatWasThere, opensUnderExactlyHerId, refusedBeforeTheUpgrade,
  readingRefused, toldSheMayNotWrite,
} from '../support/expectations/sign-in';
import { asksFromBrowser } from '../support/scenario/browser';
import { observeExpiry, readsOwnConversationWith } from '../support/scenario/sign-in';
import { UNKNOWN_IDS } from '../support/scenario/conversation';
import type { GoldenPathWorld } from '../support/world';

Then('{actor} is refused as {refusal} before the chat opens, and told why', function (user: ChatUser, status: number) {
  refusedBeforeTheUpgrade(user, status);
});

Then("{actor}'s chat is ready, and agrees to the way her/his/their app presented the token", function (this: GoldenPathWorld, user: ChatUser) {
  chatOpensAsPresented(this, user);
});

Then("{actor}'s chat opens under exactly her/his/their user id", function (user: ChatUser) {
  opensUnderExactlyHerId(user);
});

Then("{actor}, whose user id differs from {actor}'s only in case, receives none of her/his/their events", function (viewer: ChatUser, owner: ChatUser) {
  return caseTwinSeesNothing(viewer, owner);
});

Then('{actor} is told she/he/they may not write', function (user: ChatUser) {
  return toldSheMayNotWrite(user);
});

Then("{actor}'s conversation holds only what was there before", function (user: ChatUser) {
  return conversationHoldsOnlyWhatWasThere(user);
});

When("{actor}'s sign-in expires while her/his/their chat is open", async function (this: GoldenPathWorld, user: ChatUser) {
  await observeExpiry(this, user);
});

Then("{actor}'s chat is closed for an expired sign-in, in the time the protocol allows", function (this: GoldenPathWorld, user: ChatUser) {
  return chatClosedForExpiredSignIn(this, user);
});

When('{actor} asks the agent to analyse her/his/their AI spend from a web browser', async function (this: GoldenPathWorld, user: ChatUser) {
  await asksFromBrowser(this, user);
});

Then('the browser shows {actor} the agent start, think, use its tools and complete', function (this: GoldenPathWorld, user: ChatUser) {
  browserShowedTheWholeRun(this, user);
});

When('{actor} reads her/his/their conversation with {credential}', function (this: GoldenPathWorld, user: ChatUser, credential: string) {
  return readsOwnConversationWith(this, user, credential);
});

When('{actor} reads a conversation that does not exist', async function (user: ChatUser) {
  await user.readHistory(UNKNOWN_IDS['does not exist']());
});

Then("{actor}'s reading is refused as {refusal}, and shows nothing of her/his/their conversation", function (user: ChatUser, status: 401 | 403) {
  readingRefused(user, status);
});
