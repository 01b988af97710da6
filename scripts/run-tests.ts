/**
 * `npm test`: every check the project has, in order of cost, each timed.
 * Stops at the first phase that fails.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readRunOutcome, totalsLine } from './lib/cucumber-results';

const ts = ['--require', 'ts-node/register/transpile-only'];
const phases: ReadonlyArray<{ name: string; command: string; args: string[] }> = [
  { name: 'type check (tsc --noEmit)', command: 'npx', args: ['tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'ESLint', command: 'npx', args: ['eslint', '.'] },
  { name: 'Gherkin lint', command: 'npx', args: ['gherkin-lint', 'features'] },
  { name: 'suite support unit tests (fault proxy…)', command: 'npm', args: ['run', '--silent', 'test:support'] },
  { name: 'reference backend unit tests', command: 'npm', args: ['run', '--silent', 'test:backend'] },
  { name: 'the whole suite (cucumber-js)', command: 'npx', args: ['cucumber-js'] },
  { name: 'every protocol rule is checked by a scenario', command: 'node', args: [...ts, 'scripts/every-rule-checked.ts', 'reports'] },
  { name: 'the report in a real browser (index.html, cucumber.html)', command: 'npm', args: ['run', '--silent', 'test:report'] },
  { name: 'verify-suite (every planted fault is caught)', command: 'node', args: [...ts, 'scripts/verify-suite.ts', '--clean-run', 'reports'] },
  { name: 'staging simulation (the gate over TLS with test tokens, no secret)', command: 'node', args: [...ts, 'scripts/staging-simulation.ts', '--tags', '@mission_critical'] },
];

const timings: string[] = [];
const started = performance.now();
let failedPhase: string | undefined;
for (const phase of phases) {
  process.stdout.write(`\n=== ${phase.name}\n`);
  const phaseStart = performance.now();
  const result = spawnSync(phase.command, phase.args, { stdio: 'inherit' });
  const seconds = ((performance.now() - phaseStart) / 1000).toFixed(1);
  timings.push(`  ${result.status === 0 ? 'ok  ' : 'FAIL'} ${seconds.padStart(6)} s  ${phase.name}`);
  if (result.status !== 0) {
    failedPhase = phase.name;
    break;
  }
}
process.stdout.write(`\n=== npm test summary (${((performance.now() - started) / 1000).toFixed(1)} s)\n${timings.join('\n')}\n`);
process.stdout.write(`suite scenarios: ${totalsLine(readRunOutcome(join(process.env.GOLDEN_PATH_REPORT_DIR ?? 'reports', 'messages.ndjson')))}\n`);
if (failedPhase !== undefined) {
  process.stdout.write(`npm test failed at: ${failedPhase}\n`);
  process.exit(1);
}
