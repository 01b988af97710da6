import { After, AfterAll, Before, BeforeAll, Status, setDefaultTimeout, setWorldConstructor } from '@cucumber/cucumber';
import { GoldenPathWorld } from './world';
import { checkRemoteTarget, releaseSuiteEnvironment } from './target/suite-environment';
import { environmentProfile } from './config/environment-profile';
import { currentMetrics, emptyMetrics, metricsDelta, SUCCESS_METRICS_MEDIA_TYPE, type SuccessMetrics } from './report/success-metrics';
import { scenarioTranscript } from './report/scenario-transcript';
import { reportLeftoverHandlesAfter } from './report/leftover-handles';
import { expect } from './expectations/golden-path-chai';
import { judgeNoSilenceDuringFaults } from './expectations/judges/degradation';
import { ruleLedger, RULE_VERDICTS_MEDIA_TYPE } from './expectations/rule-ledger';
import { readConversations } from './scenario/conversation';
import { NOT_RUN_MEDIA_TYPE, unmetNeed } from './target/needs';
import { preparePictures } from './report/timeline/pictures';
import { attachScenarioPictures } from './report/timeline/attach';

setWorldConstructor(GoldenPathWorld);
/** GOLDEN_PATH_PICTURES=off: no timelines drawn (verify-suite's fault runs, where nobody looks at them). */
const PICTURES = process.env.GOLDEN_PATH_PICTURES !== 'off';
// The longest a single step may take; each wait inside a step has its own,
// shorter deadline from the environment profile or the protocol.
setDefaultTimeout(60_000);

BeforeAll({ name: "check a deployment's token source before any scenario", timeout: 30_000 }, async function (this: { parameters: unknown }) {
  if (PICTURES) preparePictures(); // the timelines' chart library loads while the backend starts
  try {
    await checkRemoteTarget(environmentProfile(this.parameters));
  } catch (error) {
    // A configuration mistake, not a bug of the suite: the message names the variable to fix. It goes out first, on a line
    // of its own, because cucumber wraps a failed BeforeAll in a stack trace of its own runtime.
    const message = `golden-path cannot sign anyone in on this deployment: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${message}\n\n`);
    if (error instanceof Error) error.stack = message;
    throw error;
  }
});

let metricsAtStart: SuccessMetrics = emptyMetrics();

Before({ name: 'start counting the success metrics and the rules' }, function () {
  metricsAtStart = currentMetrics();
  ruleLedger.reset();
});

Before({ tags: 'not @unit', name: 'connect to the backend under test, if it can meet what the scenario needs' }, async function (this: GoldenPathWorld, { pickle }) {
  await this.prepare();
  const reason = await unmetNeed(pickle.tags.map((tag) => tag.name), this.target.sut);
  if (reason === undefined) return undefined;
  this.attach(JSON.stringify({ reason }), NOT_RUN_MEDIA_TYPE);
  return 'skipped';
});

/**
 * After every scenario, whatever it was about: no silence during a fault,
 * every frame against the published schemas, every accepted message in its
 * history exactly once, nothing of a run after its end — checked while the
 * connections and backends are up —
 * then everything is closed and accounted for (no 1011, no drop), and the
 * rules, metrics and transcript are attached to the report.
 */
After({ name: 'frame contract, exactly-once history, close everything, timeline, transcript, metrics and rules' }, async function (this: GoldenPathWorld, { result, pickle }) {
  const stepsEndedAt = performance.now();
  let failure: Error | undefined;
  const check = async (judge: () => unknown): Promise<void> => {
    if (failure !== undefined) return;
    try {
      await judge();
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
  };
  const users = this.users;
  await check(() => expect(judgeNoSilenceDuringFaults(users)).to.holdUp());
  await check(() => expect(users.flatMap((user) => user.tabs)).to.honourTheContract());
  // Through the suite's own backend: every launched instance shares its database, and a
  // scenario's own backend may still have its dependencies broken (unless it has a database of its own).
  for (const user of users.filter((candidate) => candidate.threads().length > 0)) {
    await check(async () => expect(await readConversations(user, this.target.historyEndpoint)).to.holdExactlyWhatHappened(user));
  }
  await check(() => expect(users.flatMap((user) => user.tabs)).to.receiveNothingOfARunAfterItsEnd());
  await this.dispose();
  const drawing = PICTURES ? await attachScenarioPictures(this, pickle, stepsEndedAt).then(() => undefined, (error: unknown) => error as Error) : undefined;
  const text = scenarioTranscript(users, this.startedAt);
  if (text !== '') this.attach(`Transcript (times from the scenario's start)\n${text}`, { mediaType: 'text/plain', fileName: 'Transcript of every frame (text)' });
  const added = metricsDelta(metricsAtStart, currentMetrics());
  if (JSON.stringify(added) !== JSON.stringify(emptyMetrics())) this.attach(JSON.stringify(added), SUCCESS_METRICS_MEDIA_TYPE);
  await check(() => expect(added).to.showNoBrokenConnection());
  if (result?.status === Status.FAILED && result.message !== undefined) ruleLedger.recordFailure(result.message);
  if (failure !== undefined) ruleLedger.recordFailure(failure.message);
  this.attach(JSON.stringify(ruleLedger.verdicts()), RULE_VERDICTS_MEDIA_TYPE);
  if (result?.status === Status.FAILED || failure !== undefined) this.attach(`Content seed of this scenario: ${this.random.seed} (replay with GOLDEN_PATH_SEED=${this.random.seed})`, { mediaType: 'text/plain', fileName: `Content seed ${this.random.seed}` });
  failure ??= drawing;
  if (failure !== undefined) throw failure;
});

AfterAll({ timeout: 30_000 }, async function () {
  await releaseSuiteEnvironment();
  reportLeftoverHandlesAfter(5_000);
});

