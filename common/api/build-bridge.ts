// Builds window.flakedeck from the channel table over any transport (Electron IPC, or the test WebSocket).

import { isEventChannel, methodChannels } from './contract.ts';
import type { EventChannel, FlakedeckBridge, Listener, MethodChannel, Unsubscribe } from './contract.ts';
import type { Envelope } from './errors.ts';

export interface BridgeTransport {
  invoke(channel: MethodChannel, params: unknown): Promise<Envelope<unknown>>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): Unsubscribe;
}

/** Only the table's channels become functions, so no other channel can be reached through the bridge. */
export function buildBridge(transport: BridgeTransport): FlakedeckBridge {
  const namespaces: Record<string, Record<string, unknown>> = {};
  for (const channel of methodChannels) {
    const [ns, name] = channel.split('.') as [string, string];
    namespaces[ns] ??= {};
    namespaces[ns][name] = (params: unknown = {}) => transport.invoke(channel, params);
  }
  const events = {
    on<E extends EventChannel>(channel: E, listener: Listener<E>): Unsubscribe {
      if (!isEventChannel(channel)) throw new TypeError(`"${String(channel)}" is not a Flakedeck event channel.`);
      return transport.subscribe(channel, listener as (payload: unknown) => void);
    },
  };
  for (const ns of Object.values(namespaces)) Object.freeze(ns);
  return Object.freeze({ ...namespaces, events }) as unknown as FlakedeckBridge;
}
