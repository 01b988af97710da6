import { After, AfterAll, Before, setDefaultTimeout, setWorldConstructor } from '@cucumber/cucumber';
import { GoldenPathWorld } from './world';
import { releaseSuiteEnvironment } from './target/suite-environment';
import { currentMetrics, emptyMetrics, metricsDelta, SUCCESS_METRICS_MEDIA_TYPE } from './report/success-metrics';
import { expectNoBrokenConnections } from './expectations/connection-expectations';
import { expectFramesHonourContract } from './expectations/contract-expectations';
import { expectHistoryExactlyOnce } from './expectations/history-expectations';

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

After({ name: 'transcript, frame contract, exactly-once history, then close everything' }, async function (this: GoldenPathWorld) {
  const text = this.transcript();
  if (text !== '') this.attach(`Transcript (times from the scenario's start)\n${text}`, 'text/plain');
  const added = metricsDelta(this.metricsAtStart, currentMetrics());
  if (JSON.stringify(added) !== JSON.stringify(emptyMetrics())) this.attach(JSON.stringify(added), SUCCESS_METRICS_MEDIA_TYPE);
  try {
    expectNoBrokenConnections(added);
    expectFramesHonourContract(this.users.flatMap((user) => user.connections));
    // PROTOCOL §7 after every scenario that had messages accepted, not only where a step asks.
    for (const user of this.users) await expectHistoryExactlyOnce(user, this.endpoint, this.profile);
  } finally {
    await this.dispose();
  }
});

AfterAll({ timeout: 30_000 }, async function () {
  await releaseSuiteEnvironment();
});
