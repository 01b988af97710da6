import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { FaultProxy } from '../support/services/fault-proxy';

/** An echo server standing in for PostgreSQL or Redis. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

async function connect(port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

function nextData(socket: Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const onData = (chunk: Buffer): void => finish(chunk.toString());
    const onClose = (): void => finish('closed');
    function finish(value: string): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(value);
    }
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', () => undefined); // a reset surfaces as 'close' below
  });
}

async function withProxy(body: (proxy: FaultProxy) => Promise<void>): Promise<void> {
  const echo = await echoServer();
  const proxy = await FaultProxy.start({ host: '127.0.0.1', port: echo.port });
  try {
    await body(proxy);
  } finally {
    await proxy.close();
    echo.server.close();
  }
}

void test('passes bytes both ways', () =>
  withProxy(async (proxy) => {
    const socket = await connect(proxy.port);
    socket.write('hello');
    assert.equal(await nextData(socket, 1_000), 'hello');
    socket.destroy();
  }));

void test('cut resets open connections and refuses new ones; restore lets them through again', () =>
  withProxy(async (proxy) => {
    const socket = await connect(proxy.port);
    const closed = nextData(socket, 1_000);
    proxy.cut();
    assert.equal(await closed, 'closed');
    const refused = createConnection({ host: '127.0.0.1', port: proxy.port });
    const refusal = await new Promise<string>((resolve) => {
      refused.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      refused.on('data', () => resolve('answered'));
    });
    assert.equal(refusal, 'ECONNRESET');
    proxy.restore();
    const again = await connect(proxy.port);
    again.write('back');
    assert.equal(await nextData(again, 1_000), 'back');
    again.destroy();
  }));

void test('blackhole accepts but never answers, and restore resets the held connections', () =>
  withProxy(async (proxy) => {
    proxy.blackhole();
    const socket = await connect(proxy.port);
    socket.write('anyone?');
    assert.equal(await nextData(socket, 300), 'timeout');
    const closed = nextData(socket, 1_000);
    proxy.restore();
    assert.equal(await closed, 'closed');
  }));

void test('slow delays every chunk by the latency, keeping order', () =>
  withProxy(async (proxy) => {
    proxy.slow(150);
    const socket = await connect(proxy.port);
    const started = performance.now();
    socket.write('a');
    const first = await nextData(socket, 2_000);
    const elapsed = performance.now() - started;
    assert.equal(first, 'a');
    assert.ok(elapsed >= 290, `a round trip through a 150 ms proxy took only ${elapsed.toFixed(0)} ms`);
    socket.destroy();
  }));
