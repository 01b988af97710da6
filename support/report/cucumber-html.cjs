// Cucumber loads formatters itself, outside ts-node; this shim lets the
// TypeScript formatter beside it be used as `./support/report/cucumber-html.cjs`.
require('ts-node/register/transpile-only');
module.exports = require('./cucumber-html.ts').default;
