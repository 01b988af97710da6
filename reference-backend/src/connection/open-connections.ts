/** Every upgraded connection of this instance, established or still setting up: /health counts them, shutdown closes them. */
export interface OpenConnections<C = unknown> {
  add(connection: C): void;
  delete(connection: C): void;
  /** How many are open (`/health` `connections`). */
  readonly count: number;
  all(): C[];
}

export class OpenConnectionSet<C> implements OpenConnections<C> {
  private readonly connections = new Set<C>();

  add(connection: C): void {
    this.connections.add(connection);
  }

  delete(connection: C): void {
    this.connections.delete(connection);
  }

  get count(): number {
    return this.connections.size;
  }

  all(): C[] {
    return [...this.connections];
  }
}
