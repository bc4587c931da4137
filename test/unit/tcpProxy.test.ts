/**
 * The TCP proxy of test/support/tcpProxy.ts in front of a local echo server: bytes go both ways, each chunk only once
 * its delay is over. The proxy's wait is replaced by one the test lets go, so "not yet forwarded" is checked at the
 * moment the proxy holds the chunk, not by timing.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

interface Held {
  ms: number;
  direction: 'to-server' | 'to-client';
  release: () => void;
}

/** Resolves with the next chunk a socket receives. */
const nextData = (socket: Socket) => once(socket, 'data').then(([chunk]) => (chunk as Buffer).toString('utf8'));

describe('startTcpProxy', () => {
  let server: Server | undefined;
  let proxy: TcpProxy | undefined;
  let client: Socket | undefined;

  afterEach(async () => {
    client?.destroy();
    await proxy?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  /** An echo server that also records what it received. */
  async function echoServer(received: string[]) {
    server = createServer((socket) =>
      socket.on('data', (chunk) => {
        received.push(chunk.toString('utf8'));
        socket.write(`echo:${chunk.toString('utf8')}`);
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('holds each chunk for its delay, then forwards it, in both directions', async () => {
    const received: string[] = [];
    const port = await echoServer(received);
    const held: Held[] = [];
    let onHeld: (() => void) | undefined;
    proxy = await startTcpProxy('127.0.0.1', port, {
      delayMs: 30,
      wait: (ms, direction) =>
        new Promise<void>((release) => {
          held.push({ ms, direction, release });
          onHeld?.();
        }),
    });
    const heldNext = () => new Promise<void>((resolve) => (onHeld = resolve));

    client = connect(proxy.port, '127.0.0.1');
    await once(client, 'connect');
    const toServer = heldNext();
    client.write('hello');
    await toServer;
    // The proxy holds the chunk: the server has nothing yet.
    expect(received).toEqual([]);
    expect(held[0]?.direction).toBe('to-server');
    expect(held[0]?.ms).toBeGreaterThan(0);
    expect(held[0]?.ms).toBeLessThanOrEqual(30);

    const toClient = heldNext();
    const clientGets = nextData(client);
    held[0]?.release();
    await toClient;
    expect(received).toEqual(['hello']);
    expect(held[1]?.direction).toBe('to-client');
    held[1]?.release();
    expect(await clientGets).toBe('echo:hello');
    expect(proxy.accepted()).toBe(1);
    expect(proxy.open()).toBe(1);
  });

  it('with a real delay, bytes still go both ways and a close reaches the server', async () => {
    const received: string[] = [];
    const port = await echoServer(received);
    proxy = await startTcpProxy('127.0.0.1', port, { delayMs: 5 });
    client = connect(proxy.port, '127.0.0.1');
    await once(client, 'connect');
    const reply = nextData(client);
    client.write('ping');
    expect(await reply).toBe('echo:ping');
    client.end();
    await once(client, 'close');
    expect(received).toEqual(['ping']);
  });

  it('without a delay it is the plain forwarder, and dropAll closes both sides', async () => {
    const port = await echoServer([]);
    proxy = await startTcpProxy('127.0.0.1', port);
    client = connect(proxy.port, '127.0.0.1');
    await once(client, 'connect');
    const reply = nextData(client);
    client.write('x');
    expect(await reply).toBe('echo:x');
    const closed = once(client, 'close');
    expect(proxy.dropAll()).toBe(1);
    await closed;
    expect(proxy.open()).toBe(0);
  });
});
