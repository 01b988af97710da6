import type { ChatUser } from '../actors/chat-user';
import { presentToken } from '../auth/credentials';
import { ask } from '../scenario/conversation';
import { TestTokenRequests } from '../scenario/test-tokens';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';
import type { TestTokenRefusal } from './judges/test-tokens';

/** Then: PROTOCOL §10, the test-token endpoint of a deployment. */
export function gotAWorkingTestToken(world: GoldenPathWorld): void {
  expect(world.state(TestTokenRequests).latest).to.beTheTestTokenAskedFor(Date.now());
}

const REFUSALS: Record<'not authorised' | 'invalid' | 'not offered', TestTokenRefusal> = {
  'not authorised': { status: 401, rule: 'GP-10.3', ifServed: 'anyone who finds the endpoint mints tokens for any user, and reads and writes every conversation' },
  invalid: { status: 400, rule: 'GP-10.4', code: 'INVALID_MESSAGE', ifServed: 'a token nobody asked for was minted from a request that makes no sense: tests run with tokens of the wrong user or lifetime' },
  'not offered': { status: 404, rule: 'GP-10.1', ifServed: 'a deployment that never enabled test tokens mints them anyway: on production, anyone can sign in as any customer' },
};
export type TestTokenRefusalKind = keyof typeof REFUSALS;
export const TEST_TOKEN_REFUSAL_NAMES = Object.keys(REFUSALS) as TestTokenRefusalKind[];

export function testTokenRefusedAs(world: GoldenPathWorld, kind: TestTokenRefusalKind): void {
  expect(world.state(TestTokenRequests).latest).to.beRefusedAsATestTokenRequest(REFUSALS[kind]);
}

export function tokenFloodSlowedDown(world: GoldenPathWorld): void {
  expect(world.state(TestTokenRequests).requests).to.beSlowedDownAsATokenFlood();
}

/** The test token is a real §3 token: the user opens the chat with it. */
export async function opensTheChatWithTheTestToken(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const body = world.state(TestTokenRequests).latest.answer.body as { token?: string } | undefined;
  if (typeof body?.token !== 'string') throw new Error(`${user.name} has no test token to open the chat with: the endpoint answered ${world.state(TestTokenRequests).latest.answer.text.slice(0, 160)} (GP-10.2)`);
  const attempt = await user.attemptTab({ credentials: presentToken(body.token, 'header'), expiresAt: undefined }, 'her test token');
  expect(attempt).to.openAsPresented('GP-10.2', 'testers cannot sign test users in with the tokens the deployment mints for them', world.profile);
}

/** …and the agent answers her on it. */
export async function chatsWithTheTestToken(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  await opensTheChatWithTheTestToken(world, user);
  const run = await user.watchRun(ask(world, user));
  expect(run).to.followEveryEventRule();
  expect(run).to.endWithAnActionableAnswer();
}
