/**
 * A TCP forwarder in front of a domain controller, for the bench and the API tests on Samba AD. TLS passes through
 * untouched (the adapter still verifies the DC's certificate against its CA: the host stays 127.0.0.1).
 *
 * - The bench drops the service connection's socket the way a network does (both ends see the connection close)
 *   without reaching into the adapter: dropAll().
 * - `delayMs` holds every chunk that long on its way in each direction, as a DC reached over a VPN: a round trip costs
 *   twice the delay, a TLS handshake a few of them. Chunks keep their order; a close is passed on after the chunks
 *   before it.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections open now. */
  open(): number;
  /** Destroys every open connection (both sides); returns how many there were. */
  dropAll(): number;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** One-way delay of every chunk, in milliseconds (default 0: forwarded as it comes). */
  delayMs?: number;
  /**
   * How a chunk waits out the rest of its delay (tests of the proxy replace it, to hold a chunk until they let it
   * go). Given the milliseconds left and which way the chunk goes.
   */
  wait?: (ms: number, direction: 'to-server' | 'to-client') => Promise<void>;
}

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startTcpProxy(
  targetHost: string,
  targetPort: number,
  options: TcpProxyOptions = {},
): Promise<TcpProxy> {
  const delayMs = options.delayMs ?? 0;
  const wait = options.wait ?? realWait;
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted += 1;
    const upstream = connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    if (delayMs > 0 || options.wait) {
      const forgetWhenBothClosed = () => {
        if (client.destroyed && upstream.destroyed) pairs.delete(pair);
      };
      client.on('close', forgetWhenBothClosed);
      upstream.on('close', forgetWhenBothClosed);
      forwardDelayed(client, upstream, delayMs, (ms) => wait(ms, 'to-server'));
      forwardDelayed(upstream, client, delayMs, (ms) => wait(ms, 'to-client'));
    } else {
      client.on('close', end);
      upstream.on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('tcp proxy: no port');
  return {
    port: address.port,
    accepted: () => accepted,
    open: () => pairs.size,
    dropAll() {
      const n = pairs.size;
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        pair.client.destroy();
        pair.upstream.destroy();
      }
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

/**
 * Each chunk is written once `delayMs` have passed since it arrived, one after the other (a chain per direction, so
 * the order holds and a slow chunk never lets a later one overtake it). The close of `from` is passed on as an end
 * after the chunks it followed, as a network delivers a FIN; an error destroys both sides at once (see above).
 */
function forwardDelayed(from: Socket, to: Socket, delayMs: number, wait: (ms: number) => Promise<void>) {
  let chain = Promise.resolve();
  const later = (step: () => void) => {
    const due = Date.now() + delayMs;
    chain = chain
      .then(() => wait(Math.max(0, due - Date.now())))
      .then(() => {
        if (!to.destroyed) step();
      });
  };
  from.on('data', (chunk: Buffer) => later(() => to.write(chunk)));
  from.on('close', () => later(() => to.end()));
}
