import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '../../protocol/constants';
import { ClientConnection, type ConnectionLifecycle } from '../src/connection/client-connection';
import { protocolConnectionPolicy } from '../src/connection/connection-policy';
import { LocalConnections } from '../src/connection/local-connections';
import { framesAsSent } from '../src/connection/outgoing-frames';
import type { UserContext } from '../src/connection/user-context';
import { decorate } from '../src/decorators';
import type { RunId, UserId } from '../src/domain/ids';
import { plantFaults } from '../src/faults';
import type { Logger } from '../src/logger';

const QUIET: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const USER: UserContext = { userId: 'alice' as UserId, permissions: new Set(['read']), expiresAtMs: Date.now() + 60_000 };
const RUN_ID = '3b9f0c5e-8a0d-4c1e-9f55-1d2a7e6b4c30' as RunId;
/** More than the operating system buffers for one loopback socket. */
const BACKLOG = 'x'.repeat(64 * 1024);

interface Pair {
  readonly server: ClientConnection;
  readonly client: WebSocket;
  readonly frames: string[];
}

/** A ClientConnection on a real socket, with a client that records what it reads; `maxBufferedBytes` as given. */
async function connectedPairs(count: number, maxBufferedBytes: number, connections: LocalConnections): Promise<{ pairs: Pair[]; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const lifecycle: ConnectionLifecycle = {
    opened: () => undefined,
    prepare: () => Promise.resolve([]),
    established: (connection) => connections.add(connection),
    closed: (connection) => connections.remove(connection),
  };
  const policy = { ...protocolConnectionPolicy, maxBufferedBytes };
  const pairs: Pair[] = [];
  for (let index = 0; index < count; index += 1) {
    const accepted = new Promise<ClientConnection>((resolve) =>
      wss.once('connection', (ws) => {
        const connection = new ClientConnection(ws, USER, { textHandler: { handleText: () => Promise.resolve() }, lifecycle, policy, outgoing: framesAsSent, logger: QUIET });
        connection.start();
        resolve(connection);
      }),
    );
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const frames: string[] = [];
    client.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
    const server = await accepted;
    await new Promise<void>((resolve) => client.once('message', () => resolve())); // connection_established
    pairs.push({ server, client, frames });
  }
  return {
    pairs,
    close: async () => {
      for (const { client } of pairs) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Until `predicate` holds (checked on every turn of the event loop), or fails after `ms`. */
async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

void describe('a client that stops reading', () => {
  void it('is sent to without waiting, up to the bound; beyond it, closed with 1008 after what it was sent', async () => {
    const { pairs, close } = await connectedPairs(1, 1024 * 1024, new LocalConnections());
    const [{ server, client, frames }] = pairs as [Pair];
    client.pause();
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    let sent = 0;
    // 200 × 64 KiB: more than the operating system holds and the 1 MiB bound together.
    for (; sent < 200; sent += 1) server.send(JSON.stringify({ type: 'pong', data: { nonce: `${sent}-${BACKLOG}` } }));
    client.resume();
    assert.equal(await closed, CloseCode.PolicyViolation);
    assert.ok(frames.length > 1 && frames.length < sent + 1, `some frames arrived before the close (${frames.length})`);
    await close();
  });

  void it('holds up no other tab; with fanout_awaits_each_socket it holds up the next one', async () => {
    for (const faulty of [false, true]) {
      const connections = new LocalConnections();
      const delivery = decorate(plantFaults(faulty ? ['fanout_awaits_each_socket'] : []).localDelivery, connections, { connections });
      const { pairs, close } = await connectedPairs(2, 64 * 1024 * 1024, connections);
      const [stalled, reading] = pairs as [Pair, Pair];
      stalled.client.pause();
      for (let index = 0; index < 200; index += 1) stalled.server.send(JSON.stringify({ type: 'pong', data: { nonce: `${index}-${BACKLOG}` } }));
      delivery.deliver(USER.userId, RUN_ID, 1, '{"type":"agent_started","seq":1}');
      delivery.deliver(USER.userId, RUN_ID, 2, '{"type":"agent_thinking","seq":2}');
      if (faulty) {
        await new Promise((resolve) => setTimeout(resolve, 200)); // what a correct fan-out would deliver at once
        assert.equal(reading.frames.length, 1, 'the stalled tab (first in turn) held up the one behind it: nothing after connection_established');
        stalled.client.resume();
      }
      await until(() => reading.frames.length === 3, 5_000, 'the reading tab gets both events');
      await close();
    }
  });
});

void describe('a resumed run on a connection', () => {
  void it('after the replay, a late live copy of a replayed event is not sent again; later events are', async () => {
    const { pairs, close } = await connectedPairs(1, 64 * 1024 * 1024, new LocalConnections());
    const [{ server, frames }] = pairs as [Pair];
    const hold = server.holdRunEvents(RUN_ID);
    server.deliverRunEvent(RUN_ID, 1, '{"seq":1,"live":true}'); // held during the replay
    server.send('{"seq":1}');
    server.send('{"seq":2}'); // stored, so replayed, before it was delivered live
    hold.release(2);
    server.deliverRunEvent(RUN_ID, 2, '{"seq":2,"live":true}');
    server.deliverRunEvent(RUN_ID, 3, '{"seq":3,"live":true}');
    await until(() => frames.length === 4, 5_000, 'the replay and the next live event');
    assert.deepEqual(frames.slice(1), ['{"seq":1}', '{"seq":2}', '{"seq":3,"live":true}']);
    await close();
  });
});
