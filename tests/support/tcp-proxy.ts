// A TCP relay on 127.0.0.1 in front of a test server, whose connections a test can cut, as a flaky network would.

import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections opened from now on are cut once this many bytes went from client to server; null: never. */
  cutAfter(bytes: number | null): void;
  /** Cuts every connection open now, as a network that drops for a moment; new ones go through. */
  cutOpen(): void;
  /** How many connections were cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let limit: number | null = null;
  let cuts = 0;
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair = [client, upstream];
    pair.forEach((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => pair.forEach((o) => o.destroy()));
    });
    const budget = limit;
    let sent = 0;
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (budget !== null && sent > budget) {
        cuts++;
        pair.forEach((s) => s.destroy());
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('end', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cutAfter(bytes) {
      limit = bytes;
    },
    cutOpen() {
      for (const s of sockets) s.destroy();
    },
    get cuts() {
      return cuts;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
