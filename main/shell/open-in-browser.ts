// The Electron side of ExternalOpener: hands a link main has already checked to the user's browser.

import { shell } from 'electron';
import { isAllowedExternalUrl } from '../links/external-links.ts';
import type { ExternalOpener } from '../links/external-links.ts';

export const openInBrowser: ExternalOpener = async (url) => {
  // Checked again at the only call of openExternal, whoever reaches it: a file: or custom-scheme URL runs programs.
  if (!isAllowedExternalUrl(url)) throw new Error(`Refused to open ${url}: only http and https links are opened.`);
  await shell.openExternal(url, { activate: true });
};
