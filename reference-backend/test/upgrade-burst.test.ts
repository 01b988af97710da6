import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpgradeBurst } from '../src/connection/upgrade-burst';

void describe('UpgradeBurst (planted fault burst_1011)', () => {
  const establishAll = (burst: UpgradeBurst, count: number): number[] => {
    const picked: number[] = [];
    for (let i = 1; i <= count; i += 1) if (burst.pickEstablished()) picked.push(i);
    return picked;
  };

  void it('picks nothing while at most 50 upgrades are in the 200 ms window', () => {
    const burst = new UpgradeBurst(50, 200, 10, () => 0);
    for (let i = 0; i < 50; i += 1) burst.recordUpgrade();
    assert.deepEqual(establishAll(burst, 50), []);
  });

  void it('sees no burst in 200 upgrades spread evenly over a second (40 per window)', () => {
    let now = 0;
    const burst = new UpgradeBurst(50, 200, 10, () => now);
    for (let i = 0; i < 200; i += 1) {
      now += 5;
      burst.recordUpgrade();
      assert.equal(burst.pickEstablished(), false);
    }
  });

  void it('picks every 10th connection established during a burst', () => {
    let now = 0;
    const burst = new UpgradeBurst(50, 200, 10, () => now);
    for (let i = 0; i < 100; i += 1) burst.recordUpgrade();
    now += 50;
    assert.deepEqual(establishAll(burst, 100), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  void it('ends the burst when the window slides past it, and counts each burst afresh', () => {
    let now = 0;
    const burst = new UpgradeBurst(50, 200, 10, () => now);
    for (let i = 0; i < 51; i += 1) burst.recordUpgrade();
    assert.deepEqual(establishAll(burst, 15), [10]);
    now = 200;
    assert.equal(burst.pickEstablished(), false);
    for (let i = 0; i < 51; i += 1) burst.recordUpgrade();
    assert.deepEqual(establishAll(burst, 10), [10]);
  });

  void it('needs more than 50 upgrades within 200 ms, not 200 ms and one', () => {
    let now = 0;
    const burst = new UpgradeBurst(50, 200, 1, () => now);
    burst.recordUpgrade();
    now = 199;
    for (let i = 0; i < 50; i += 1) burst.recordUpgrade();
    assert.equal(burst.pickEstablished(), true);
    now = 200;
    assert.equal(burst.pickEstablished(), false);
  });
});
