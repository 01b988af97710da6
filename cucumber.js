// Cucumber profiles. `npx cucumber-js` uses `default`; `--profile staging`
// aims the suite at a deployment it does not control (see README).
const reports = process.env.GOLDEN_PATH_REPORT_DIR || 'reports';

const common = {
  requireModule: ['ts-node/register/transpile-only'],
  require: ['support/**/*.ts', 'step-definitions/**/*.ts'],
  format: [
    'progress',
    `html:${reports}/cucumber.html`,
    `junit:${reports}/junit.xml`,
    `message:${reports}/messages.ndjson`,
    `./support/report/success-metrics-formatter.cjs:${reports}/success-metrics.json`,
  ],
  formatOptions: { snippetInterface: 'async-await', junit: { suiteName: 'golden-path' } },
};

module.exports = {
  default: {
    ...common,
    worldParameters: { environment: 'local' },
  },
  // A running deployment (GOLDEN_PATH_URL): longer network timeouts, and no
  // scenario that needs to launch, stop or break the backend or its services.
  staging: {
    ...common,
    tags: 'not @needs_control',
    worldParameters: { environment: 'staging' },
  },
};
