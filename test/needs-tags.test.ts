import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CREDENTIAL_NAMES, credential } from '../support/auth/hostile-tokens';
import { allPickles } from '../support/report/feature-catalogue';

/**
 * Against a deployment, scenarios whose needs the token source cannot meet
 * are reported as not run, by their tags. The tags must tell the truth:
 * a scenario presenting a credential that needs the signing secret (or
 * tokens of other permissions or lifetimes) carries the matching tag, and so
 * does one with more than one user.
 */
void test('each scenario declares what it needs of the token source', () => {
  const problems: string[] = [];
  for (const pickle of allPickles()) {
    const tags = new Set(pickle.tags.map((tag) => tag.name));
    const texts = pickle.steps.map((step) => step.text);
    for (const name of CREDENTIAL_NAMES.filter((candidate) => texts.some((text) => text.endsWith(` with ${candidate}`)))) {
      const need = credential(name).needs;
      const tag = need === 'the signing secret' ? '@needs_secret' : need === undefined ? undefined : '@needs_tokens';
      if (tag !== undefined && !tags.has(tag) && !tags.has('@needs_secret')) problems.push(`${pickle.uri} "${pickle.name}" presents ${name}, which needs ${need}: tag it ${tag}`);
    }
    const people = new Set(texts.flatMap((text) => /^([A-Z][a-z]+) is signed in/.exec(text)?.[1] ?? []));
    const crowd = texts.some((text) => /crowd|many users|with a user id|user id in lower case/.test(text));
    if ((people.size > 1 || crowd) && !tags.has('@needs_users') && !tags.has('@needs_control')) problems.push(`${pickle.uri} "${pickle.name}" signs in several users: tag it @needs_users`);
  }
  assert.deepEqual(problems, []);
});
