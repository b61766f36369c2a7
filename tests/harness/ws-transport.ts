// Test transport, server side: the app's router over a WebSocket on 127.0.0.1, guarded by a random token.

import type { IncomingMessage, Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { EventHub } from '../../main/api/event-hub.ts';
import type { Router } from '../../main/api/router.ts';

export const transportPath = '/__flakedeck';

function tokenMatches(request: IncomingMessage, token: string): boolean {
  const given = new URL(request.url ?? '', 'http://127.0.0.1').searchParams.get('token') ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Accepts sockets to transportPath that carry the token; every call is checked by the router like an IPC call. */
export function attachWsTransport(server: Server, router: Router, events: EventHub, token: string): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '', 'http://127.0.0.1').pathname;
    if (path !== transportPath || !tokenMatches(request, token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // The page's origin plays the part of Electron's sender frame URL.
      const sender = { url: request.headers.origin ?? '' };
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', async (raw) => {
        let message: { id?: unknown; channel?: unknown; params?: unknown };
        try {
          message = JSON.parse(raw.toString()) as typeof message;
        } catch {
          return ws.close(1003, 'not JSON');
        }
        const envelope = await router.call(message.channel, message.params, sender);
        ws.send(JSON.stringify({ id: message.id, envelope }));
      });
    });
  });

  const disconnect = events.connect((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) ws.send(text);
  });
  return () => {
    disconnect();
    for (const ws of sockets) ws.terminate();
    wss.close();
  };
}
