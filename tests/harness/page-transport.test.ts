// The test transport under bad input: a malformed URL, a `null` message, text that is not JSON and a call over
// 8 MiB are each answered with an error, and the transport goes on serving the same page.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createHandlers } from '../../main/api/handlers/index.ts';
import { Router } from '../../main/api/router.ts';
import { originCheck } from '../../main/api/sender-check.ts';
import { createServices } from '../../main/services.ts';
import type { Services } from '../../main/services.ts';
import { repoRoot } from '../support/fixture-flake.ts';
import { FrameReader } from './frames.ts';
import { attachPageTransport, callLimitBytes, eventsPath, transportPath } from './page-transport.ts';
import type { PageTransport } from './page-transport.ts';

const token = randomBytes(24).toString('base64url');
let dataDir: string;
let services: Services;
let transport: PageTransport;
let server: ReturnType<typeof createServer>;
let origin: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-transport-'));
  services = createServices({ dataDir, defaultFlake: repoRoot, appVersion: '0.0.0-test' });
  server = createServer((request, response) => {
    if (!transport.handle(request, response)) response.writeHead(404).end('not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const router = new Router(createHandlers(services), { isTrustedSender: originCheck([origin]) });
  transport = attachPageTransport(server, router, services.events, token);
});

afterAll(async () => {
  transport.close();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  services.close('the test ended');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sends raw bytes as an HTTP request and resolves with the status line of the answer. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer.split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

/** A page's connection: its stream of replies, its socket of calls, and a call that resolves with the reply. */
async function page() {
  const connection = randomBytes(8).toString('hex');
  const query = `token=${token}&connection=${connection}`;
  const response = await fetch(`${origin}${eventsPath}?${query}`);
  const replies: { id: unknown; envelope: unknown }[] = [];
  const frames = new FrameReader();
  const reader = response.body!.getReader();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || !value) return;
      for (const message of frames.push(value)) if ('id' in (message as object)) replies.push(message as never);
    }
  })();
  const socket = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}${transportPath}?${query}`, {
    origin,
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const reply = async (send: string | Buffer, count = replies.length + 1) => {
    socket.send(send);
    for (let i = 0; replies.length < count; i++) {
      if (i > 6000) throw new Error('no reply came');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return replies.at(-1)!;
  };
  return { socket, reply, close: () => socket.close() };
}

describe('test transport', () => {
  it('answers a malformed URL with 400 and goes on', async () => {
    expect(await rawRequest('GET //[bad HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    expect(
      await rawRequest(
        'GET //[bad HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ),
    ).toBe('HTTP/1.1 403 Forbidden');
    const { reply, close } = await page();
    expect((await reply(JSON.stringify({ id: 1, channel: 'app.info' }))).envelope).toMatchObject({ ok: true });
    close();
  });

  it('answers null, JSON that is not a call, and text that is not JSON, with an error each, and goes on', async () => {
    const { reply, close } = await page();
    expect(await reply('null')).toEqual({
      id: null,
      envelope: {
        ok: false,
        error: { code: 'INVALID_ARGUMENTS', message: 'A call is a JSON object {id, channel, params}; this was null.' },
      },
    });
    expect(await reply('[1,2]')).toMatchObject({ id: null, envelope: { ok: false } });
    expect(await reply('{"id": 2, "channel": 7}')).toMatchObject({
      id: 2,
      envelope: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } },
    });
    expect(await reply('{not json')).toMatchObject({
      id: null,
      envelope: { ok: false, error: { message: 'A call is a JSON object {id, channel, params}; this was not JSON.' } },
    });
    expect(await reply(JSON.stringify({ id: 3, channel: 'app.info' }))).toMatchObject({
      id: 3,
      envelope: { ok: true, value: { name: 'Flakedeck' } },
    });
    close();
  });

  it('answers a call over 8 MiB with an error without running it, and goes on', async () => {
    const { reply, close } = await page();
    const big = JSON.stringify({ id: 4, channel: 'app.openExternal', params: { url: 'x'.repeat(callLimitBytes) } });
    expect(await reply(big)).toEqual({
      id: 4,
      envelope: {
        ok: false,
        error: { code: 'INVALID_ARGUMENTS', message: 'A call may be up to 8 MiB; this one is 8.0 MiB.' },
      },
    });
    expect(await reply(JSON.stringify({ id: 5, channel: 'app.info' }))).toMatchObject({
      id: 5,
      envelope: { ok: true },
    });
    close();
  });

  it('closes a socket that sends far more than a call may weigh, and serves the next page', async () => {
    const { socket } = await page();
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.on('error', () => {});
    socket.send(Buffer.alloc(callLimitBytes * 4 + 1, 0x20));
    expect(await closed).toBe(1009);
    const next = await page();
    expect((await next.reply(JSON.stringify({ id: 6, channel: 'app.info' }))).envelope).toMatchObject({ ok: true });
    next.close();
  });
});
