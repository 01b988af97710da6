import type { ConnectionId, RunId, UserId } from '../domain/ids';

/** What the registry needs from an established connection. */
/** How a run event goes to one connection. */
export interface RunEventDelivery {
  /** Part of the ending of a dead instance's run: sent only as far as it goes beyond what the connection has. */
  readonly ending?: boolean;
  /** Called once the frame has left this process, or was not sent. */
  readonly onWritten?: (error?: Error) => void;
}

export interface LocalConnection {
  readonly id: ConnectionId;
  readonly userId: UserId;
  /**
   * Sends at once, never waiting on the client. `ending`: part of the ending of a dead instance's run
   * (runs/run-reaper.ts), sent only as far as it goes beyond what this connection has; `onWritten` (if given)
   * is called once the frame has left this process, or was not sent.
   */
  deliverRunEvent(runId: RunId, seq: number, frameText: string, options?: RunEventDelivery): void;
}

/** Delivery of a run event to this instance's established connections of one user. */
export interface LocalRunEventDelivery {
  /** Whether the user has an established connection here. */
  hasUser(userId: UserId): boolean;
  deliver(userId: UserId, runId: RunId, seq: number, frameText: string, ending?: boolean): void;
}

/** This instance's established WebSocket connections, by user: where run events are delivered. */
export class LocalConnections implements LocalRunEventDelivery {
  private readonly byUser = new Map<UserId, Set<LocalConnection>>();

  add(connection: LocalConnection): void {
    let set = this.byUser.get(connection.userId);
    if (set === undefined) {
      set = new Set();
      this.byUser.set(connection.userId, set);
    }
    set.add(connection);
  }

  remove(connection: LocalConnection): void {
    const set = this.byUser.get(connection.userId);
    if (set === undefined || !set.delete(connection)) return;
    if (set.size === 0) this.byUser.delete(connection.userId);
  }

  /** Whether the user has an established connection here. */
  hasUser(userId: UserId): boolean {
    return this.byUser.has(userId);
  }

  deliver(userId: UserId, runId: RunId, seq: number, frameText: string, ending = false): void {
    const set = this.byUser.get(userId);
    if (set === undefined) return;
    for (const connection of set) connection.deliverRunEvent(runId, seq, frameText, { ending });
  }

  /** The user's established connections here. */
  connectionsOf(userId: UserId): Iterable<LocalConnection> {
    return this.byUser.get(userId) ?? [];
  }

  /** Every established connection here, of every user. */
  *everyone(): Iterable<LocalConnection> {
    for (const set of this.byUser.values()) yield* set;
  }
}
