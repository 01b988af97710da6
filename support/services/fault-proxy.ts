import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A small TCP fault proxy, after Toxiproxy's model: the backend is given the
 * proxy's address instead of its dependency's, and a step can break the link.
 *
 * - `pass`: bytes flow both ways;
 * - `cut`: every connection is reset and new ones are refused at once;
 * - `blackhole`: connections are accepted and kept, but nothing ever answers;
 * - `slow`: every chunk is delivered `latencyMs` late, in order.
 */
export type ProxyMode = { readonly kind: 'pass' } | { readonly kind: 'cut' } | { readonly kind: 'blackhole' } | { readonly kind: 'slow'; readonly latencyMs: number };

interface Link {
  readonly client: Socket;
  upstream: Socket | undefined;
}

export class FaultProxy {
  private mode: ProxyMode = { kind: 'pass' };
  private readonly links = new Set<Link>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly target: { readonly host: string; readonly port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static start(target: { host: string; port: number }): Promise<FaultProxy> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string') {
          reject(new Error('the fault proxy could not read its own port'));
          return;
        }
        resolve(new FaultProxy(server, address.port, target));
      });
    });
  }

  /** `url` with its host and port replaced by the proxy's. */
  proxiedUrl(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  get currentMode(): ProxyMode {
    return this.mode;
  }

  get openLinks(): number {
    return this.links.size;
  }

  cut(): void {
    this.mode = { kind: 'cut' };
    for (const link of this.links) this.reset(link);
  }

  blackhole(): void {
    this.mode = { kind: 'blackhole' };
  }

  slow(latencyMs: number): void {
    this.mode = { kind: 'slow', latencyMs };
  }

  /** Back to normal. Connections held in a blackhole are reset so their owners reconnect. */
  restore(): void {
    const wasBlackhole = this.mode.kind === 'blackhole';
    this.mode = { kind: 'pass' };
    if (wasBlackhole) for (const link of this.links) this.reset(link);
  }

  async close(): Promise<void> {
    for (const link of this.links) this.reset(link);
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error === undefined ? resolve() : reject(error))));
  }

  private accept(client: Socket): void {
    client.setNoDelay(true);
    if (this.mode.kind === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const link: Link = { client, upstream: undefined };
    this.links.add(link);
    client.on('error', () => this.reset(link)); // the peer vanished: tear down both sides
    client.on('close', () => this.reset(link));
    if (this.mode.kind === 'blackhole') {
      client.on('data', () => undefined); // accepted, read, never answered
      return;
    }
    const upstream = createConnection({ host: this.target.host, port: this.target.port });
    upstream.setNoDelay(true);
    link.upstream = upstream;
    upstream.on('error', () => this.reset(link));
    upstream.on('close', () => this.reset(link));
    client.on('data', (chunk: Buffer) => this.forward(chunk, upstream));
    upstream.on('data', (chunk: Buffer) => this.forward(chunk, client));
  }

  private forward(chunk: Buffer, to: Socket): void {
    switch (this.mode.kind) {
      case 'pass':
        to.write(chunk);
        return;
      case 'slow': {
        const due = this.mode.latencyMs;
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
        }, due);
        return;
      }
      case 'blackhole':
      case 'cut':
        return; // dropped: in a blackhole nothing answers; a cut link is being reset
    }
  }

  private reset(link: Link): void {
    if (!this.links.delete(link)) return;
    if (!link.client.destroyed) link.client.resetAndDestroy();
    if (link.upstream !== undefined && !link.upstream.destroyed) link.upstream.resetAndDestroy();
  }
}
