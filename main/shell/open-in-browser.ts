// The Electron side of ExternalOpener: hands a link main has already checked to the user's browser.

import { shell } from 'electron';
import type { ExternalOpener } from '../links/external-links.ts';

export const openInBrowser: ExternalOpener = (url) => shell.openExternal(url, { activate: true });
