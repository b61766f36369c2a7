// Builds window.flakedeck from the channel names over any transport (Electron IPC, or the test WebSocket). It
// takes the names as an argument and imports the contract for its types only, so the preload bundles no schemas.

import type { EventChannel, FlakedeckBridge, Listener, MethodChannel, Unsubscribe } from './contract.ts';
import type { Envelope } from './errors.ts';

export interface BridgeTransport {
  invoke(channel: MethodChannel, params: unknown): Promise<Envelope<unknown>>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): Unsubscribe;
}

/** The channel table's names (contract.ts's channelNames), all the bridge needs of the contract. */
export interface ChannelNames {
  methods: readonly MethodChannel[];
  events: readonly EventChannel[];
}

/** Only the table's channels become functions, so no other channel can be reached through the bridge. */
export function buildBridge(transport: BridgeTransport, channels: ChannelNames): FlakedeckBridge {
  const namespaces: Record<string, Record<string, unknown>> = {};
  const eventNames = new Set<string>(channels.events);
  for (const channel of channels.methods) {
    const [ns, name] = channel.split('.') as [string, string];
    namespaces[ns] ??= {};
    namespaces[ns][name] = (params: unknown = {}) => transport.invoke(channel, params);
  }
  const events = {
    on<E extends EventChannel>(channel: E, listener: Listener<E>): Unsubscribe {
      if (typeof channel !== 'string' || !eventNames.has(channel))
        throw new TypeError(`"${String(channel)}" is not a Flakedeck event channel.`);
      return transport.subscribe(channel, listener as (payload: unknown) => void);
    },
  };
  for (const ns of Object.values(namespaces)) Object.freeze(ns);
  return Object.freeze({ ...namespaces, events }) as unknown as FlakedeckBridge;
}
