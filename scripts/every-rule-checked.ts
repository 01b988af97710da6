/**
 * Coverage cannot regress: after the whole suite, every rule of
 * protocol/rules.ts must have been checked by a scenario (none "unchecked"),
 * and every scenario's rule tags must have been checked by its judges.
 *
 *   node --require ts-node/register/transpile-only scripts/every-rule-checked.ts [reports]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conformance } from '../support/report/conformance';

const dir = process.argv[2] ?? process.env.GOLDEN_PATH_REPORT_DIR ?? 'reports';
const path = join(dir, 'conformance.json');
if (!existsSync(path)) {
  process.stderr.write(`no ${path}: run the whole suite first (npx cucumber-js)\n`);
  process.exit(2);
}
const conformance = JSON.parse(readFileSync(path, 'utf8')) as Conformance;
const unchecked = conformance.rules.filter((rule) => rule.verdict === 'unchecked');
const promised = conformance.tagsWithoutCheck;
for (const rule of unchecked) process.stdout.write(`  unchecked: ${rule.id} (${rule.section}) ${rule.title} — if a backend breaks it, nothing fails: ${rule.impact}\n`);
for (const tag of promised) process.stdout.write(`  tagged but not checked: "${tag.scenario}" names ${tag.rule}, and none of its judges looked at it\n`);
process.stdout.write(`${conformance.rules.length - unchecked.length} of ${conformance.rules.length} rules checked by a scenario; ${unchecked.length} unchecked; ${promised.length} tag(s) without a check\n`);
if (unchecked.length > 0 || promised.length > 0) process.exit(1);
