// Test transport, server side: the app's router for a page on 127.0.0.1, guarded by a random token. The page's calls
// come over a WebSocket; replies and events go back, in order as over IPC, on one streamed HTTP response.
//
// Not on the WebSocket: Playwright's Chromium reports every WebSocket frame's payload over the DevTools protocol, to
// the test process, which costs more per megabyte of terminal output than drawing it in xterm does.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { EventHub } from '../../main/api/event-hub.ts';
import type { Router } from '../../main/api/router.ts';
import { encodeFrame } from './frames.ts';

export const transportPath = '/__flakedeck';
/** The streamed response a page opens first; its WebSocket then names the same connection. */
export const eventsPath = `${transportPath}/events`;

function query(request: IncomingMessage): URLSearchParams {
  return new URL(request.url ?? '', 'http://127.0.0.1').searchParams;
}

function tokenMatches(request: IncomingMessage, token: string): boolean {
  const a = Buffer.from(query(request).get('token') ?? '');
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One page: its stream of replies and events, and its socket of calls once connected. */
interface Connection {
  stream: ServerResponse;
  socket?: WebSocket;
}

function send(stream: ServerResponse, message: unknown): void {
  // A page that went away, between its socket closing and its stream's end.
  if (stream.writableEnded || stream.destroyed) return;
  stream.cork();
  for (const part of encodeFrame(message)) stream.write(part);
  stream.uncork();
}

export interface PageTransport {
  /** Serves a request to `eventsPath`; false for any other request. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Ends every connection. */
  close(): void;
}

/**
 * Streams to `eventsPath` and WebSockets to `transportPath`, for requests carrying the token; every call is checked by
 * the router like an IPC call.
 */
export function attachPageTransport(server: Server, router: Router, events: EventHub, token: string): PageTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  const connections = new Map<string, Connection>();

  const handle = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (new URL(request.url ?? '', 'http://127.0.0.1').pathname !== eventsPath) return false;
    const id = query(request).get('connection') ?? '';
    if (!tokenMatches(request, token) || !id || connections.has(id)) {
      response.writeHead(403).end('forbidden');
      return true;
    }
    response.socket?.setNoDelay(true);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
    response.flushHeaders();
    connections.set(id, { stream: response });
    response.on('close', () => {
      connections.get(id)?.socket?.terminate();
      connections.delete(id);
    });
    return true;
  };
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '', 'http://127.0.0.1').pathname;
    const connection = connections.get(query(request).get('connection') ?? '');
    if (path !== transportPath || !tokenMatches(request, token) || !connection || connection.socket) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // The page's origin plays the part of Electron's sender frame URL.
      const sender = { url: request.headers.origin ?? '' };
      connection.socket = ws;
      ws.on('close', () => connection.stream.end());
      ws.on('message', async (raw) => {
        let message: { id?: unknown; channel?: unknown; params?: unknown };
        try {
          message = JSON.parse(raw.toString()) as typeof message;
        } catch {
          return ws.close(1003, 'not JSON');
        }
        const envelope = await router.call(message.channel, message.params, sender);
        send(connection.stream, { id: message.id, envelope });
      });
    });
  });

  const disconnect = events.connect((event, payload) => {
    for (const { stream } of connections.values()) send(stream, { event, payload });
  });
  return {
    handle,
    close() {
      disconnect();
      for (const { stream, socket } of connections.values()) {
        socket?.terminate();
        stream.destroy();
      }
      connections.clear();
      wss.close();
    },
  };
}
