// Native dialogs for what main asks the user directly: go ahead with a deploy, quit during runs, choose a flake or a
// folder, an error.

import { BrowserWindow, dialog } from 'electron';
import type { QuitQuestion } from '../quit/quit-guard.ts';
import type { DeployQuestion } from '../tray/tray-controller.ts';

export async function confirmDeploy(question: DeployQuestion): Promise<boolean> {
  const options = {
    type: 'question' as const,
    buttons: [question.action, 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    title: 'Flakedeck',
    message: `${question.action} ${question.host}?`,
    detail: `What changes on ${question.host}:\n${question.diff.join('\n')}`,
  };
  const parent = BrowserWindow.getFocusedWindow();
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return response === 0;
}

export async function chooseFlakeFolder(): Promise<string | undefined> {
  const result = await dialog.showOpenDialog({ title: 'Open a flake', properties: ['openDirectory'] });
  return result.canceled ? undefined : result.filePaths[0];
}

/** A folder for the services (copying files out before a reboot), over the window that asked. */
export async function chooseFolder(title: string): Promise<string | undefined> {
  const options = { title, properties: ['openDirectory' as const, 'createDirectory' as const] };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}

export function showError(title: string, error: unknown): void {
  dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
}

/** Over the window when one is open (quit from its menu), else on its own (quit from the tray). */
export async function askToQuit(question: QuitQuestion): Promise<boolean> {
  const options = {
    type: 'warning' as const,
    buttons: [question.quit, question.stay],
    defaultId: 1,
    cancelId: 1,
    title: 'Flakedeck',
    message: question.message,
    detail: question.detail,
  };
  const parent = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows().find((w) => w.isVisible());
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return response === 0;
}
