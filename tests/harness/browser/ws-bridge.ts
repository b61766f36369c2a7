// Test transport, browser side: window.flakedeck over a WebSocket, built from the same channel table as preload.

import { buildBridge } from '../../../common/api/build-bridge.ts';
import type { Envelope } from '../../../common/api/errors.ts';

interface TransportConfig {
  url: string;
  token: string;
}

type ServerMessage = { id: number; envelope: Envelope<unknown> } | { event: string; payload: unknown };

const config = (window as unknown as { __flakedeckTestTransport: TransportConfig }).__flakedeckTestTransport;
const socket = new WebSocket(`${config.url}?token=${encodeURIComponent(config.token)}`);
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve(), { once: true });
  socket.addEventListener('error', () => reject(new Error('test transport: connection failed')), { once: true });
});
const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let nextId = 1;

socket.addEventListener('message', (message: MessageEvent<string>) => {
  const data = JSON.parse(message.data) as ServerMessage;
  if ('id' in data) {
    pending.get(data.id)?.(data.envelope);
    pending.delete(data.id);
  } else {
    for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
  }
});

window.flakedeck = buildBridge({
  async invoke(channel, params) {
    await opened;
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
});
