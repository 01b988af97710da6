import { Given, Then, When } from '@cucumber/cucumber';
import { TestTokens } from '../protocol/constants';
import type { ChatUser } from '../support/actors/chat-user';
import type { Permission } from '../support/auth/token-minter';
import { chatsWithTheTestToken, gotAWorkingTestToken, opensTheChatWithTheTestToken, testTokenRefusedAs, tokenFloodSlowedDown, type TestTokenRefusalKind } from '../support/expectations/test-tokens';
import {
  aServiceWithoutTestTokens, askForManyTestTokens, askForTestToken, askForTestTokenWith, askForTestTokenWithout, type BadTokenRequest, type KeyPresentation,
} from '../support/scenario/test-tokens';
import type { GoldenPathWorld } from '../support/world';

Given('a chat service deployed without test tokens', function (this: GoldenPathWorld) {
  return aServiceWithoutTestTokens(this);
});

When('the tester asks for a token for {actor} to {permissions} for {int} minutes', function (this: GoldenPathWorld, user: ChatUser, permissions: Permission[], minutes: number) {
  return askForTestToken(this, user, permissions, minutes);
});

When('someone asks for a token for {actor} {keyPresentation}', function (this: GoldenPathWorld, user: ChatUser, presentation: KeyPresentation) {
  return askForTestTokenWithout(this, user, presentation);
});

When('the tester asks for a token with {badTokenRequest}', function (this: GoldenPathWorld, bad: BadTokenRequest) {
  return askForTestTokenWith(this, bad);
});

When('a leaked key is used to ask for tokens for {actor} faster than the deployment allows', function (this: GoldenPathWorld, user: ChatUser) {
  return askForManyTestTokens(this, user, TestTokens.maxRequestsPerMinute + 1);
});

Then('the tester gets a token for exactly that user, those permissions and that lifetime', function (this: GoldenPathWorld) {
  gotAWorkingTestToken(this);
});

Then('the request is refused as {tokenRefusal}', function (this: GoldenPathWorld, kind: TestTokenRefusalKind) {
  testTokenRefusedAs(this, kind);
});

Then('the requests beyond the limit are refused as too many', function (this: GoldenPathWorld) {
  tokenFloodSlowedDown(this);
});

Then('{actor} can chat with that token', function (this: GoldenPathWorld, user: ChatUser) {
  return chatsWithTheTestToken(this, user);
});

Then('{actor} can open the chat with that token', function (this: GoldenPathWorld, user: ChatUser) {
  return opensTheChatWithTheTestToken(this, user);
});
