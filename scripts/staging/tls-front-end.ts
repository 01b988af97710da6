/**
 * A TLS-terminating front end on 127.0.0.1, like the load balancer in front
 * of a Cloud Run service: clients speak HTTPS and WSS to it, it speaks plain
 * HTTP and WebSocket to the backend behind it. It works on the byte stream,
 * so requests, upgrades and WebSocket frames pass through unchanged.
 *
 * The certificate is made when the front end starts (self-signed, for
 * 127.0.0.1 and localhost); the suite trusts it through GOLDEN_PATH_CA_FILE,
 * as it would trust a deployment's private CA.
 */
import { connect, type Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';

export interface TlsFrontEnd {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** The certificate (PEM), to be trusted as a CA. */
  readonly certificate: string;
  /** Connections it passed through, and those that ended in a socket error on either side. */
  counts(): { readonly connections: number; readonly socketErrors: readonly string[] };
  close(): Promise<void>;
}

export async function startTlsFrontEnd(backendPort: number): Promise<TlsFrontEnd> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const open = new Set<Socket>();
  const socketErrors: string[] = [];
  let connections = 0;
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (client: TLSSocket) => {
    connections += 1;
    const upstream = connect(backendPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    // Either side failing ends both: the client sees its connection end, as behind a real front end.
    const fail = (side: string) => (error: Error) => {
      socketErrors.push(`${side}: ${error.message}`);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', fail('client side'));
    upstream.on('error', fail('backend side'));
    client.on('close', () => open.delete(client));
    upstream.on('close', () => open.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  // A client that gives up during the TLS handshake is the client's business, but it is counted.
  server.on('tlsClientError', (error) => socketErrors.push(`TLS handshake: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the TLS front end has no TCP address');
  return {
    url: `https://127.0.0.1:${address.port}`,
    certificate: pems.cert,
    counts: () => ({ connections, socketErrors }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of open) socket.destroy();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
