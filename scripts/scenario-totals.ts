/**
 * Prints the scenario totals of the last suite run as `N passed, N failed`,
 * read from reports/messages.ndjson (the CI's closing line).
 */
import { join } from 'node:path';
import { readRunOutcome, totalsLine } from './lib/cucumber-results';

const reports = process.env.GOLDEN_PATH_REPORT_DIR ?? 'reports';
process.stdout.write(`${totalsLine(readRunOutcome(join(reports, 'messages.ndjson')))}\n`);
