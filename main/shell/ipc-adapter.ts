// Connects the router and the event hub to Electron IPC: one handler per API channel, events to the window.

import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { methodChannels } from '../../common/api/contract.ts';
import { eventIpcName, methodIpcName } from '../../common/api/ipc-names.ts';
import type { EventHub } from '../api/event-hub.ts';
import type { Router } from '../api/router.ts';
import { ipcSender } from '../api/sender-check.ts';

export function attachIpc(router: Router, events: EventHub, window: () => BrowserWindow | undefined): () => void {
  for (const channel of methodChannels) {
    ipcMain.handle(methodIpcName(channel), (event: IpcMainInvokeEvent, params: unknown) =>
      router.call(channel, params, ipcSender(event)),
    );
  }
  const disconnect = events.connect((channel, payload) => {
    const target = window();
    if (target && !target.isDestroyed()) target.webContents.send(eventIpcName(channel), payload);
  });
  return () => {
    disconnect();
    for (const channel of methodChannels) ipcMain.removeHandler(methodIpcName(channel));
  };
}
