// The one table of channel names: preload and the test transport expose exactly these, nothing else.

export const methodChannels = ['app.info', 'flake.current', 'flake.open', 'hosts.list'] as const;

export const eventChannels = ['flake.changed'] as const;

export type MethodChannel = (typeof methodChannels)[number];
export type EventChannel = (typeof eventChannels)[number];

const methodSet: ReadonlySet<string> = new Set(methodChannels);
const eventSet: ReadonlySet<string> = new Set(eventChannels);

export function isMethodChannel(channel: unknown): channel is MethodChannel {
  return typeof channel === 'string' && methodSet.has(channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && eventSet.has(channel);
}
