// Native dialogs for what main asks the user directly: go ahead with a deploy, choose a flake, an error.

import { BrowserWindow, dialog } from 'electron';
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

export function showError(title: string, error: unknown): void {
  dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
}
