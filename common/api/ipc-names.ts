// Electron IPC channel names for API methods and events, shared by main and preload.

import type { EventChannel, MethodChannel } from './contract.ts';

export const methodIpcName = (channel: MethodChannel): string => `flakedeck:${channel}`;
export const eventIpcName = (channel: EventChannel): string => `flakedeck-event:${channel}`;
