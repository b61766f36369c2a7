// Preload: exposes window.flakedeck, generated from the channel table over Electron IPC. No logic of its own.

import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { buildBridge } from '../common/api/build-bridge.ts';
import { eventIpcName, methodIpcName } from '../common/api/ipc-names.ts';

contextBridge.exposeInMainWorld(
  'flakedeck',
  buildBridge({
    invoke: (channel, params) => ipcRenderer.invoke(methodIpcName(channel), params),
    subscribe(channel, listener) {
      const name = eventIpcName(channel);
      const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(name, handler);
      return () => void ipcRenderer.removeListener(name, handler);
    },
  }),
);
