import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator, type Pickle } from '@cucumber/messages';
import { PROJECT_ROOT } from '../target/target-config';

/**
 * Every scenario of every feature file, whatever a run selects: what the
 * conformance verdict needs to tell "not run in this selection" from
 * "checked by no scenario at all", and what the Gherkin discipline test reads.
 */
export const FEATURES_DIR = join(PROJECT_ROOT, 'features');

export function allPickles(featuresDir: string = FEATURES_DIR): Pickle[] {
  const newId = IdGenerator.uuid();
  const files = readdirSync(featuresDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.feature')).sort();
  return files.flatMap((file) => {
    const uri = relative(PROJECT_ROOT, join(featuresDir, file));
    const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(featuresDir, file), 'utf8'));
    return compile({ ...document, uri }, uri, newId);
  });
}

/** The rule ids a scenario's tags name (`@GP-5.3`, `@TGT-storm`). */
export function rulesTagged(tags: ReadonlyArray<{ readonly name: string }>): string[] {
  return tags.map((tag) => tag.name.slice(1)).filter((name) => /^(GP-\d+\.\d+|TGT-[a-z-]+)$/.test(name));
}
