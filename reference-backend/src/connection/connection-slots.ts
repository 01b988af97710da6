import { Limits } from '../../../protocol/constants';
import type { UserId } from '../domain/ids';

/**
 * Per-user connection slots. A slot is reserved synchronously when the
 * handshake is authenticated (so a burst of handshakes cannot overshoot) and
 * released exactly once when the socket goes away.
 */
export class ConnectionSlots {
  private readonly inUse = new Map<UserId, number>();

  constructor(private readonly maxPerUser: number = Limits.maxConnectionsPerUser) {}

  /** Returns a release function, or null when the user has no free slot. */
  tryReserve(userId: UserId): (() => void) | null {
    const count = this.inUse.get(userId) ?? 0;
    if (count >= this.maxPerUser) return null;
    this.inUse.set(userId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.inUse.get(userId) ?? 1) - 1;
      if (remaining <= 0) this.inUse.delete(userId);
      else this.inUse.set(userId, remaining);
    };
  }

  count(userId: UserId): number {
    return this.inUse.get(userId) ?? 0;
  }
}
