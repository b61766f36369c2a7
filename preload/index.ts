// Preload: exposes window.flakedeck, generated from the channel table over Electron IPC. No logic of its own.
// The channel names come in at build time (vite.preload.config.ts), so the bundle holds no schemas and no zod.

import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { buildBridge } from '../common/api/build-bridge.ts';
import type { ChannelNames } from '../common/api/build-bridge.ts';
import { eventIpcName, methodIpcName } from '../common/api/ipc-names.ts';

declare const FLAKEDECK_CHANNELS: ChannelNames;

contextBridge.exposeInMainWorld(
  'flakedeck',
  buildBridge(
    {
      invoke: (channel, params) => ipcRenderer.invoke(methodIpcName(channel), params),
      subscribe(channel, listener) {
        const name = eventIpcName(channel);
        const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
        ipcRenderer.on(name, handler);
        return () => void ipcRenderer.removeListener(name, handler);
      },
    },
    FLAKEDECK_CHANNELS,
  ),
);
