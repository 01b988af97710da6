import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, readTargetConfig } from '../target/target-config';
import type { Conformance, FaultEvidence } from './conformance';

/** What the run was aimed at, and its version when the suite can tell (the reference backend: this repository's commit). */
export function backendUnderTest(): Conformance['backend'] {
  const config = readTargetConfig();
  if (config.mode === 'remote') return { description: `the deployment at ${config.url.origin}`, version: process.env.GOLDEN_PATH_BACKEND_VERSION ?? null, faults: [] };
  const faults = [...config.command.matchAll(/--fault=([\w,]+)/g)].flatMap((match) => (match[1] ?? '').split(','));
  const reference = config.command.includes('reference-backend/src/main.ts');
  return {
    description: `${reference ? 'the reference backend' : config.commandLabel}${faults.length > 0 ? ` with the planted fault ${faults.join(', ')}` : ''}`,
    version: process.env.GOLDEN_PATH_BACKEND_VERSION ?? (reference ? referenceVersion() : null),
    faults,
  };
}

function referenceVersion(): string | null {
  const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  return `${version} (commit ${commit})`;
}

/** The planted faults that prove each rule, from the latest verify-suite (reports/verify/verify-suite.json), if it ran. */
export const VERIFY_SUITE_REPORT = join(PROJECT_ROOT, 'reports', 'verify', 'verify-suite.json');

export function latestFaultEvidence(path: string = VERIFY_SUITE_REPORT): FaultEvidence[] {
  if (!existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    faults?: Array<{ name: string; rules?: string[]; caught?: boolean }>;
    rules?: Array<{ rule: string; provenBy?: string[] }>;
  };
  return (report.faults ?? []).map((fault) => {
    const rules = fault.rules ?? [];
    // The rules a fault was caught by (verify-suite's proofs); an older report says only whether it was caught.
    const proves = report.rules === undefined
      ? (fault.caught === true ? rules : [])
      : report.rules.filter((proof) => proof.provenBy?.includes(fault.name) === true).map((proof) => proof.rule);
    return { name: fault.name, rules, caught: fault.caught === true, proves };
  });
}

/** The run's tag expression, as given on the command line (`--tags`, `-t`) or in GOLDEN_PATH_SELECTION; null for every scenario. */
export function selectionTags(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.GOLDEN_PATH_SELECTION !== undefined && env.GOLDEN_PATH_SELECTION !== '') return env.GOLDEN_PATH_SELECTION;
  const tags: string[] = [];
  argv.forEach((argument, index) => {
    if ((argument === '--tags' || argument === '-t') && argv[index + 1] !== undefined) tags.push(argv[index + 1] as string);
    else if (argument.startsWith('--tags=')) tags.push(argument.slice('--tags='.length));
  });
  if (tags.length === 0) return null;
  return tags.length === 1 ? (tags[0] as string) : tags.map((tag) => `(${tag})`).join(' and ');
}
