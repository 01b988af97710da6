// Cucumber profiles. `npx cucumber-js` uses `default` (the local profile);
// `--profile staging` aims the suite at a deployment it does not control
// (see README). Every timeout and threshold the steps use is here, in the
// world parameters; override one for a run with e.g.
//   npx cucumber-js --world-parameters '{"storm":{"users":50}}'
const reports = process.env.GOLDEN_PATH_REPORT_DIR || 'reports';

const common = {
  requireModule: ['ts-node/register/transpile-only'],
  // Entry points only: everything else in support/ is imported where it is used,
  // so heavy tools (fast-check, playwright) load only for the scenarios that need them.
  require: ['support/hooks.ts', 'support/parameter-types.ts', 'step-definitions/**/*.ts'],
  format: [
    'progress',
    `./support/report/cucumber-html.cjs:${reports}/cucumber.html`, // cucumber's HTML report, pictures in view
    `junit:${reports}/junit.xml`,
    `message:${reports}/messages.ndjson`,
    `./support/report/success-metrics-formatter.cjs:${reports}/success-metrics.json`,
    `./support/report/conformance-formatter.cjs:${reports}/conformance.json`,
    `./support/report/dashboard-formatter.cjs:${reports}/index.html`,
  ],
  formatOptions: { snippetInterface: 'async-await', junit: { suiteName: 'golden-path' } },
};

// A backend on this machine. The protocol's own deadlines (accepted within 1 s,
// a run within 10 s, …) come from protocol/constants.ts; these are the suite's
// service-level targets and how long it waits.
const local = {
  environment: 'local',
  backendStartTimeoutMs: 10000,
  connectTimeoutMs: 2000, // target: upgrade + connection_established
  replyWithinMs: 2000, // target: a pong, an error frame, an HTTP answer
  // How long the suite waits for something the protocol says must come before it calls it missing
  // rather than late: a slower but correct backend is told it missed a target, not that it broke a rule.
  patienceMs: 10000,
  slowDependencyLatencyMs: 500, // each way: about 1 s per round trip
  raceLatencyMs: 150, // each way: a database this slow lets a step break it between the acknowledgement and the backend's next query
  // What a tab that stopped reading leaves waiting on the server before the run: more than the operating system
  // buffers for one socket (about 4 MB over loopback, similar over a real network), so that the server must hold the rest.
  stalledTabBacklogBytes: 8000000,
  faultOutcomeWithinMs: 12000, // target: an answer or an explicit error under a slow database
  isolationUsers: 50,
  shutdownGraceMs: 12000,
  pacedStepDelayMs: 60,
  slowStepDelayMs: 2000, // AGENT_STEP_DELAY_MS of the very slow backend: a run outlasts the protocol's 10 s drain
  dyingStepDelayMs: 500, // AGENT_STEP_DELAY_MS of an instance killed mid-run: a tool call stays open half a second, the kill lands in ~ms
  storm: { users: 200, withinMs: 1000 },
  churnCycles: 100,
  tokenExpiry: { lifetimeSeconds: 2 }, // a token that expires during the scenario (PROTOCOL §3)
  // 10 users × 10 tabs: 2,000 frames pass the 20-a-second limit (PROTOCOL §8) in two rounds.
  fuzz: { frames: 2000, users: 10, connectionsPerUser: 10, withinMs: 20000 },
  browserLaunchTimeoutMs: 20000,
};

// A deployment over a real network (Cloud Run and the like), as the seed plan runs
// staging: "longer timeouts". Only the suite's own service-level targets and its
// waiting change here; the protocol's numbers (1 s to message_accepted and to
// agent_started, 15 s between events, 10 s per run, 2 s to close an expired
// session, 30 s to end a dead instance's runs) are the protocol's, the same
// everywhere, and live in protocol/constants.ts.
const staging = {
  ...local,
  environment: 'staging',
  // A cold start of a Cloud Run instance (several seconds) plus TLS and the
  // upgrade over the internet: the seed plan allows ~10 s; 12 s gives slack.
  connectTimeoutMs: 12000,
  // A pong, an error frame or an HTTP answer across the internet and a front end.
  replyWithinMs: 10000,
  // How long the suite waits for what must come at all before it says it never came.
  patienceMs: 30000,
  // 50 handshakes within a second: a burst a shared staging can take without
  // being knocked over for other testers (200 on loopback).
  storm: { users: 50, withinMs: 1000 },
  // Connect/close cycles whose /health count is checked (fewer round trips).
  churnCycles: 30,
  // A token that expires during a scenario must outlive a slow handshake.
  tokenExpiry: { lifetimeSeconds: 20 },
  // The same 2,000 frames of garbage, answered within a minute over the network.
  fuzz: { frames: 2000, users: 10, connectionsPerUser: 10, withinMs: 60000 },
};

module.exports = {
  // Two workers, each with its own PostgreSQL, Redis and backend (see README,
  // "Running faster"); `--parallel 1` runs everything in one process.
  default: { ...common, parallel: 2, worldParameters: local },
  staging: { ...common, tags: 'not @needs_control', worldParameters: staging },
  // verify-suite's runs: the message stream and the conformance verdicts are all it reads (no HTML, no dashboard). A backend
  // with a planted fault may leave a socket of the suite's waiting after --fail-fast stopped the run, so
  // a fault run exits when its scenarios are over (the suite's own runs must exit by themselves).
  verify: { ...common, format: [`message:${reports}/messages.ndjson`, `./support/report/conformance-formatter.cjs:${reports}/conformance.json`], forceExit: true, worldParameters: local },
};
