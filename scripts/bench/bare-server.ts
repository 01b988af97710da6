/**
 * The bench's baseline: a bare `ws` WebSocketServer, run as its own process
 * (like the backend, so neither server shares the measuring client's event
 * loop). On every connection it at once sends one small JSON frame shaped like
 * `connection_established`; it authenticates nothing and stores nothing.
 *
 *   PORT=12345 node --require ts-node/register/transpile-only scripts/bench/bare-server.ts
 *
 * Prints `listening <port>` once it accepts connections. Exits on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

export const BARE_SERVER_READY_LINE = 'listening';

function main(): void {
  const port = Number(process.env.PORT ?? '0');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  // The same ws options as a careful production server: no compression, no client tracking, a 64 KiB cap.
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false, maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => {
    ws.on('error', (err) => process.stderr.write(`bare-server: socket error: ${err.message}\n`));
    ws.send(
      JSON.stringify({
        type: 'connection_established',
        timestamp: new Date().toISOString(),
        data: { connection_id: randomUUID(), user_id: 'bare', protocol_version: 1, degraded: [] },
      }),
    );
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const actual = address !== null && typeof address === 'object' ? address.port : port;
    process.stdout.write(`${BARE_SERVER_READY_LINE} ${actual}\n`);
  });
  const stop = (): void => {
    wss.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) main();
