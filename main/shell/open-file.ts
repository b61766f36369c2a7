// The Electron side of FileOpener: opens a file (checked by main/links/editor.ts) with the desktop's default application.

import { shell } from 'electron';
import type { FileOpener } from '../links/editor.ts';

export const openWithDefaultApp: FileOpener = async (file) => {
  const error = await shell.openPath(file);
  if (error) throw new Error(`Could not open ${file}: ${error}`);
};
