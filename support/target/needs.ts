import { TestTokens } from '../../protocol/constants';
import { httpCall } from '../client/http-client';
import type { SuiteNeed, SystemUnderTest } from './system-under-test';

/**
 * What a scenario needs of its target, declared by tags, and whether this
 * target can meet it. A need that cannot be met makes the scenario "not run"
 * with the reason — reported, never skipped silently, never passed.
 */
export const NOT_RUN_MEDIA_TYPE = 'application/x.golden-path.not-run+json';

const TOKEN_NEEDS: Record<string, SuiteNeed> = {
  '@needs_users': 'several users',
  '@needs_tokens': 'tokens of any permissions and lifetime',
  '@needs_secret': 'the signing secret',
};

let testTokensOffered: Promise<string | undefined> | undefined;

/** Why the scenario cannot run against `sut`, or undefined when it can. */
export async function unmetNeed(tags: readonly string[], sut: SystemUnderTest): Promise<string | undefined> {
  if (tags.includes('@needs_control') && !sut.controlled) return 'needs control of the backend (launching, stopping or breaking it), which a deployment does not give';
  for (const [tag, need] of Object.entries(TOKEN_NEEDS)) {
    if (tags.includes(tag) && !sut.identities.can.has(need)) return `needs ${need}, which the token source (${sut.identities.source}) cannot give`;
  }
  if (tags.includes('@test_tokens')) {
    testTokensOffered ??= whyTestTokensAreNotOffered(sut);
    return testTokensOffered;
  }
  return undefined;
}

/** PROTOCOL §10 is optional: a backend that answers 404 does not offer it, and its scenarios are "not offered". */
async function whyTestTokensAreNotOffered(sut: SystemUnderTest): Promise<string | undefined> {
  if (sut.testTokens === undefined) return "not offered: the suite knows no test-token endpoint and key for this deployment (GOLDEN_PATH_TOKEN_URL, GOLDEN_PATH_TOKEN_KEY)";
  const answer = await httpCall(sut.testTokens.url, { method: 'POST', headers: { [TestTokens.keyHeader]: sut.testTokens.key }, body: '{}', timeoutMs: 5_000, ca: sut.ca });
  return answer.status === 404 ? 'not offered: the backend does not offer test tokens (PROTOCOL §10 is optional; it answers 404)' : undefined;
}
