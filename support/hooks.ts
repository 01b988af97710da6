import { After, AfterAll, Before, setDefaultTimeout, setWorldConstructor } from '@cucumber/cucumber';
import { GoldenPathWorld } from './world';
import { releaseSuiteEnvironment } from './target/suite-environment';
import { currentMetrics, emptyMetrics, metricsDelta, SUCCESS_METRICS_MEDIA_TYPE } from './report/success-metrics';
import { expectNoBrokenConnections } from './expectations/connection-expectations';
import { expectFramesHonourContract } from './expectations/contract-expectations';
import { expectHistoryExactlyOnce } from './expectations/history-expectations';
import { classifyFaultMessages } from './scenario/dependency-faults';
import { reportLeftoverHandlesAfter } from './report/leftover-handles';

setWorldConstructor(GoldenPathWorld);
// The longest a single step may take; each wait inside a step has its own,
// shorter deadline from the environment profile.
setDefaultTimeout(60_000);

Before({ name: 'start counting the success metrics' }, function (this: GoldenPathWorld) {
  this.metricsAtStart = currentMetrics();
});

Before({ tags: 'not @unit', name: 'connect to the backend under test' }, async function (this: GoldenPathWorld) {
  await this.prepare();
});

After({ name: 'frame contract, exactly-once history, close everything, transcript and metrics' }, async function (this: GoldenPathWorld) {
  // Checks that need the scenario's connections and backend still up run first;
  // their failure is reported after everything is closed and accounted for.
  let failure: Error | undefined;
  try {
    classifyFaultMessages(this);
    expectFramesHonourContract(this.users.flatMap((user) => user.connections));
    // PROTOCOL §7 after every scenario that had messages accepted, not only where a step asks.
    // Through the suite's own backend: every launched instance shares its database, and a
    // scenario's own backend may still have its dependencies broken.
    for (const user of this.users) await expectHistoryExactlyOnce(user, this.sut, this.profile);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  await this.dispose();
  const text = this.transcript();
  if (text !== '') this.attach(`Transcript (times from the scenario's start)\n${text}`, 'text/plain');
  const added = metricsDelta(this.metricsAtStart, currentMetrics());
  if (JSON.stringify(added) !== JSON.stringify(emptyMetrics())) this.attach(JSON.stringify(added), SUCCESS_METRICS_MEDIA_TYPE);
  expectNoBrokenConnections(added);
  if (failure !== undefined) throw failure;
});

AfterAll({ timeout: 30_000 }, async function () {
  await releaseSuiteEnvironment();
  reportLeftoverHandlesAfter(5_000);
});
