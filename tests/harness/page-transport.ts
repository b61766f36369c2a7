// Test transport, server side: the app's router for a page on 127.0.0.1, guarded by a random token. The page's calls
// come over a WebSocket; replies and events go back, in order as over IPC, on one streamed HTTP response.
//
// Not on the WebSocket: Playwright's Chromium reports every WebSocket frame's payload over the DevTools protocol, to
// the test process, which costs more per megabyte of terminal output than drawing it in xterm does.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Envelope } from '../../common/api/errors.ts';
import type { EventHub } from '../../main/api/event-hub.ts';
import type { Router } from '../../main/api/router.ts';
import { encodeFrame } from './frames.ts';

export const transportPath = '/__flakedeck';
/** The streamed response a page opens first; its WebSocket then names the same connection. */
export const eventsPath = `${transportPath}/events`;

/** The request's URL, or null when it cannot be read as one (such a request is answered 400, nothing more). */
export function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

function query(request: IncomingMessage): URLSearchParams {
  return requestUrl(request)?.searchParams ?? new URLSearchParams();
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

/** What one call may weigh, as over IPC in practice; a larger one is answered with an error, not run. */
export const callLimitBytes = 8 * 1024 * 1024;
/** Beyond this the socket itself is closed (1009) before the message is read whole: nothing holds that much. */
const socketLimitBytes = 4 * callLimitBytes;

function refused(message: string): Envelope<unknown> {
  return { ok: false, error: { code: 'INVALID_ARGUMENTS', message } };
}

/** A call as the page sends it, or why it is not one (the reply then goes to its id, when it has one). */
function readCall(raw: Buffer): { id: unknown; channel?: unknown; params?: unknown; refusal?: Envelope<unknown> } {
  let message: unknown;
  try {
    message = JSON.parse(raw.toString('utf8'));
  } catch {
    return { id: null, refusal: refused('A call is a JSON object {id, channel, params}; this was not JSON.') };
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    return {
      id: null,
      refusal: refused(`A call is a JSON object {id, channel, params}; this was ${JSON.stringify(message)}.`),
    };
  }
  const { id, channel, params } = message as Record<string, unknown>;
  if (raw.length > callLimitBytes) {
    const mib = (raw.length / 1024 / 1024).toFixed(1);
    return { id, refusal: refused(`A call may be up to ${callLimitBytes / 1024 / 1024} MiB; this one is ${mib} MiB.`) };
  }
  return { id, channel, params };
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
  const wss = new WebSocketServer({ noServer: true, maxPayload: socketLimitBytes });
  const connections = new Map<string, Connection>();

  const handle = (request: IncomingMessage, response: ServerResponse): boolean => {
    const url = requestUrl(request);
    if (!url) {
      response.writeHead(400).end('bad request');
      return true;
    }
    if (url.pathname !== eventsPath) return false;
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
    const path = requestUrl(request)?.pathname;
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
      // Beyond socketLimitBytes ws closes the socket (1009) and reports it here; the harness goes on.
      ws.on('error', () => {});
      ws.on('message', async (raw: Buffer) => {
        const call = readCall(raw);
        // The router answers every call, an unexpected failure included, with an envelope.
        const envelope = call.refusal ?? (await router.call(call.channel, call.params, sender));
        send(connection.stream, { id: call.id, envelope });
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
