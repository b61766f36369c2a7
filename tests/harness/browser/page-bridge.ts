// Test transport, browser side: window.flakedeck built from the same channel table as preload. Calls go out on a
// WebSocket; replies and events come back in order on one streamed response (see ../page-transport.ts).

import { buildBridge } from '../../../common/api/build-bridge.ts';
import { channelNames } from '../../../common/api/contract.ts';
import type { Envelope } from '../../../common/api/errors.ts';
import { FrameReader } from '../frames.ts';

interface TransportConfig {
  socketUrl: string;
  eventsUrl: string;
  token: string;
}

type ServerMessage = { id: number; envelope: Envelope<unknown> } | { event: string; payload: unknown };

const config = (window as unknown as { __flakedeckTestTransport: TransportConfig }).__flakedeckTestTransport;
const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let nextId = 1;

function receive(message: ServerMessage): void {
  if ('id' in message) {
    pending.get(message.id)?.(message.envelope);
    pending.delete(message.id);
  } else {
    for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
  }
}

async function connect(): Promise<WebSocket> {
  const connection = crypto.randomUUID();
  const query = `token=${encodeURIComponent(config.token)}&connection=${connection}`;
  // The stream first: the server pairs the socket with it.
  const response = await fetch(`${config.eventsUrl}?${query}`, { cache: 'no-store' });
  if (!response.ok || !response.body) throw new Error(`test transport: the stream was refused (${response.status})`);
  const reader = response.body.getReader();
  const frames = new FrameReader();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const message of frames.push(value)) receive(message as ServerMessage);
    }
  })();
  const socket = new WebSocket(`${config.socketUrl}?${query}`);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('test transport: connection failed')), { once: true });
  });
  return socket;
}

const connected = connect();

window.flakedeck = buildBridge(
  {
    async invoke(channel, params) {
      const socket = await connected;
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, channel, params }));
      });
    },
    subscribe(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set.add(listener));
      return () => void set.delete(listener);
    },
  },
  channelNames,
);
