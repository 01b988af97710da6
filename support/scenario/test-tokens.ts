import { Permission, TestTokens } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import type { Permission as PermissionName } from '../auth/token-minter';
import { httpCall, type HttpAnswer } from '../client/http-client';
import type { GoldenPathWorld } from '../world';

/**
 * Acting on PROTOCOL §10: a tester who holds the deployment's test-token key
 * (never its signing secret) asks it for tokens, and others try without it.
 * What was asked and answered is remembered in TestTokenRequests.
 */
export interface TestTokenRequest {
  /** How it was asked, in the scenario's words. */
  readonly how: string;
  /** The user and grant asked for, when the body was a valid request. */
  readonly grant?: { readonly user: ChatUser; readonly permissions: readonly PermissionName[]; readonly expiresInSeconds: number };
  /** Wall-clock time of the request, ms since the epoch (tokens speak seconds since the epoch). */
  readonly sentAt: number;
  readonly answer: HttpAnswer;
}

/** What the test-token endpoint was asked and answered in this scenario. */
export class TestTokenRequests {
  readonly requests: TestTokenRequest[] = [];

  get latest(): TestTokenRequest {
    const latest = this.requests.at(-1);
    if (latest === undefined) throw new Error('nobody has asked for a test token in this scenario yet');
    return latest;
  }
}

/** A presentation of the key: the tester's, none, or a wrong one. */
export const KEY_PRESENTATIONS = {
  'without a key': () => undefined,
  'with a wrong key': (key: string) => `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`,
  'with the key of another deployment': () => 'another-deployments-e2e-token-key-with-32-bytes-or-more',
} as const satisfies Record<string, (key: string) => string | undefined>;
export type KeyPresentation = keyof typeof KEY_PRESENTATIONS;
export const KEY_PRESENTATION_NAMES = Object.keys(KEY_PRESENTATIONS) as KeyPresentation[];

/** Bodies a careless or hostile client sends: each is answered 400 INVALID_MESSAGE (PROTOCOL §10). */
export const BAD_TOKEN_REQUESTS = {
  'no user': () => JSON.stringify({ permissions: [Permission.Read], expires_in: 300 }),
  'a name with a space in it': () => JSON.stringify({ sub: 'Alice Smith', permissions: [Permission.Read], expires_in: 300 }),
  'a name of 129 characters': () => JSON.stringify({ sub: 'a'.repeat(129), permissions: [Permission.Read], expires_in: 300 }),
  'permissions that are not a list': () => JSON.stringify({ sub: 'alice', permissions: Permission.Read, expires_in: 300 }),
  'no lifetime': () => JSON.stringify({ sub: 'alice', permissions: [Permission.Read] }),
  'a lifetime of no seconds': () => JSON.stringify({ sub: 'alice', permissions: [Permission.Read], expires_in: TestTokens.minExpiresInSeconds - 1 }),
  'a lifetime of one second over an hour': () => JSON.stringify({ sub: 'alice', permissions: [Permission.Read], expires_in: TestTokens.maxExpiresInSeconds + 1 }),
  'a lifetime of a second and a half': () => JSON.stringify({ sub: 'alice', permissions: [Permission.Read], expires_in: 1.5 }),
  'a request that is not JSON': () => 'sub=alice&permissions=read',
} as const satisfies Record<string, () => string>;
export type BadTokenRequest = keyof typeof BAD_TOKEN_REQUESTS;
export const BAD_TOKEN_REQUEST_NAMES = Object.keys(BAD_TOKEN_REQUESTS) as BadTokenRequest[];

/** "read and write" / "read" in a step: the permissions asked for. */
export function permissionsNamed(words: string): PermissionName[] {
  return words.split(/\s+and\s+/).map((word) => {
    if (word !== Permission.Read && word !== Permission.Write) throw new Error(`"${word}" is not a permission of PROTOCOL §3 (read, write)`);
    return word;
  });
}

function endpointOf(world: GoldenPathWorld): { url: string; key: string } {
  const known = world.target.sut.testTokens;
  if (known === undefined) throw new Error('the suite knows no test-token endpoint and key for this target: the scenario should be tagged @test_tokens');
  return { url: world.target.testTokenUrl ?? known.url, key: known.key };
}

async function post(world: GoldenPathWorld, how: string, body: string, key: string | undefined, grant?: TestTokenRequest['grant']): Promise<TestTokenRequest> {
  const { url } = endpointOf(world);
  const sentAt = Date.now();
  const answer = await httpCall(url, {
    method: 'POST',
    headers: key === undefined ? {} : { [TestTokens.keyHeader]: key },
    body,
    timeoutMs: world.profile.patienceMs,
    ca: world.target.endpoint.ca,
  });
  const request: TestTokenRequest = { how, sentAt, answer, ...(grant === undefined ? {} : { grant }) };
  world.state(TestTokenRequests).requests.push(request);
  return request;
}

const grantBody = (user: ChatUser, permissions: readonly PermissionName[], expiresInSeconds: number): string => JSON.stringify({ sub: user.id, permissions, expires_in: expiresInSeconds });

/** The tester, holding the deployment's key, asks for a token for `user`. */
export async function askForTestToken(world: GoldenPathWorld, user: ChatUser, permissions: readonly PermissionName[], minutes: number): Promise<void> {
  const expiresInSeconds = minutes * 60;
  await post(world, `a token for ${user.name} to ${permissions.join(' and ')} for ${minutes} minute(s)`, grantBody(user, permissions, expiresInSeconds), endpointOf(world).key, { user, permissions, expiresInSeconds });
}

/** Someone without the key asks for a token for `user`. */
export async function askForTestTokenWithout(world: GoldenPathWorld, user: ChatUser, presentation: KeyPresentation): Promise<void> {
  await post(world, `a token for ${user.name} ${presentation}`, grantBody(user, [Permission.Read, Permission.Write], 300), KEY_PRESENTATIONS[presentation](endpointOf(world).key));
}

/** The tester, holding the key, sends a bad request. */
export async function askForTestTokenWith(world: GoldenPathWorld, bad: BadTokenRequest): Promise<void> {
  await post(world, `a token with ${bad}`, BAD_TOKEN_REQUESTS[bad](), endpointOf(world).key);
}

/** The tester asks for `count` tokens at once (a leaked key in a loop), ten requests in flight at a time. */
export async function askForManyTestTokens(world: GoldenPathWorld, user: ChatUser, count: number): Promise<void> {
  const { key } = endpointOf(world);
  let next = 0;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (next < count) {
      next += 1;
      await post(world, `token request ${next} of ${count}`, grantBody(user, [Permission.Read], 60), key, { user, permissions: [Permission.Read], expiresInSeconds: 60 });
    }
  }));
}

/** Given: a chat service of the scenario's own, started like a production deployment: without E2E_TOKEN_KEY. */
export async function aServiceWithoutTestTokens(world: GoldenPathWorld): Promise<void> {
  await world.target.useOwnBackend({ environment: { E2E_TOKEN_KEY: undefined } });
}
