// Pasted text made safe for a terminal: nothing in it can end bracketed paste early or act as a control key.

/** The markers a terminal puts around pasted text; a copy of the end marker inside it would end the paste. */
const pasteMarkers = /\x1b\[20[01]~/g;
/** C0 controls except tab, line feed and carriage return; DEL; C1 controls (U+009B is a one-character CSI). */
const controls = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

/**
 * xterm.js 6.0.0's paste() brackets text without looking inside it, and programs act on ESC, ^C, ^U and friends
 * even inside a bracketed paste (Ghostty CVE-2026-26982). Removing ESC also defuses any marker the first pass
 * reassembles, e.g. `ESC[20` + `ESC[201~` + `1~`.
 */
export function sanitizePaste(text: string): string {
  return text.replace(pasteMarkers, '').replace(controls, '');
}
