import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionSlots } from '../src/connection/connection-slots';
import { SlidingWindowRateLimiter } from '../src/connection/rate-limiter';
import { SerialQueue } from '../src/connection/serial-queue';
import type { UserId } from '../src/domain/ids';

void describe('SlidingWindowRateLimiter', () => {
  void it('allows 20 frames per second and says when to retry', () => {
    let now = 1000;
    const limiter = new SlidingWindowRateLimiter(20, 1000, () => now);
    for (let i = 0; i < 20; i += 1) assert.deepEqual(limiter.tryAcquire(), { allowed: true });
    now += 400;
    assert.deepEqual(limiter.tryAcquire(), { allowed: false, retryAfterMs: 600 });
    now += 600;
    assert.deepEqual(limiter.tryAcquire(), { allowed: true });
  });

  void it('does not charge rejected frames', () => {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter(2, 1000, () => now);
    limiter.tryAcquire();
    limiter.tryAcquire();
    for (let i = 0; i < 50; i += 1) assert.equal(limiter.tryAcquire().allowed, false);
    now = 1000;
    assert.equal(limiter.tryAcquire().allowed, true);
  });
});

void describe('ConnectionSlots', () => {
  void it('allows 10 per user and frees a slot exactly once', () => {
    const slots = new ConnectionSlots();
    const alice = 'alice' as UserId;
    const releases = Array.from({ length: 10 }, () => slots.tryReserve(alice));
    assert.ok(releases.every((r) => r !== null));
    assert.equal(slots.tryReserve(alice), null);
    assert.notEqual(slots.tryReserve('bob' as UserId), null);
    releases[0]?.();
    releases[0]?.();
    assert.equal(slots.count(alice), 9);
    assert.notEqual(slots.tryReserve(alice), null);
    assert.equal(slots.tryReserve(alice), null);
  });
});

void describe('SerialQueue', () => {
  void it('runs tasks one at a time in order and survives failures', async () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    const queue = new SerialQueue((err) => errors.push(err));
    queue.push(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('slow');
    });
    queue.push(() => {
      throw new Error('boom');
    });
    queue.push(() => {
      order.push('fast');
    });
    await queue.idle();
    assert.deepEqual(order, ['slow', 'fast']);
    assert.equal(errors.length, 1);
  });
});
