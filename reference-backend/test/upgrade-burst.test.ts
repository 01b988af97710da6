import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpgradeBurst } from '../src/faults/upgrade-burst';

void describe('UpgradeBurst (planted fault burst_1011)', () => {
  const establishAll = (burst: UpgradeBurst, count: number): number[] => {
    const picked: number[] = [];
    for (let i = 1; i <= count; i += 1) if (burst.pickEstablished()) picked.push(i);
    return picked;
  };
  /** The defaults the backend uses: more than 20 upgrades within 200 ms, every 10th connection. */
  const defaultBurst = (now: () => number, every?: number): UpgradeBurst => new UpgradeBurst(undefined, undefined, every, now);

  void it('picks nothing while at most 20 upgrades are in the 200 ms window', () => {
    const burst = defaultBurst(() => 0);
    for (let i = 0; i < 20; i += 1) burst.recordUpgrade();
    assert.deepEqual(establishAll(burst, 20), []);
  });

  void it("sees the suite's storm as a burst: 200 upgrades spread evenly over a second (40 per window)", () => {
    let now = 0;
    const burst = defaultBurst(() => now);
    const picked: number[] = [];
    for (let i = 1; i <= 200; i += 1) {
      now += 5;
      burst.recordUpgrade();
      if (burst.pickEstablished()) picked.push(i);
    }
    // The window holds more than 20 upgrades from the 21st on; every 10th connection established from then is picked.
    assert.deepEqual(picked.slice(0, 3), [30, 40, 50]);
    assert.equal(picked.length, 18);
  });

  void it('sees no burst in 100 upgrades spread evenly over a second (20 per window)', () => {
    let now = 0;
    const burst = defaultBurst(() => now);
    for (let i = 0; i < 100; i += 1) {
      now += 10;
      burst.recordUpgrade();
      assert.equal(burst.pickEstablished(), false);
    }
  });

  void it('picks every 10th connection established during a burst', () => {
    let now = 0;
    const burst = defaultBurst(() => now);
    for (let i = 0; i < 100; i += 1) burst.recordUpgrade();
    now += 50;
    assert.deepEqual(establishAll(burst, 100), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  void it('ends the burst when the window slides past it, and counts each burst afresh', () => {
    let now = 0;
    const burst = defaultBurst(() => now);
    for (let i = 0; i < 21; i += 1) burst.recordUpgrade();
    assert.deepEqual(establishAll(burst, 15), [10]);
    now = 200;
    assert.equal(burst.pickEstablished(), false);
    for (let i = 0; i < 21; i += 1) burst.recordUpgrade();
    assert.deepEqual(establishAll(burst, 10), [10]);
  });

  void it('needs more than 20 upgrades within 200 ms, not 200 ms and one', () => {
    let now = 0;
    const burst = defaultBurst(() => now, 1);
    burst.recordUpgrade();
    now = 199;
    for (let i = 0; i < 20; i += 1) burst.recordUpgrade();
    assert.equal(burst.pickEstablished(), true);
    now = 200;
    assert.equal(burst.pickEstablished(), false);
  });
});
