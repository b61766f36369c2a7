// What a link in a terminal would open, checked and made printable for the confirmation dialog.

export interface LinkTarget {
  /** The URL exactly as it would be opened, or null when Flakedeck will not open it. */
  url: string | null;
  /** The target as text a person can read: no control or bidirectional-override characters. */
  shown: string;
}

/** C0, DEL and C1 controls, and the bidi controls that can make one URL read as another. */
const unprintable = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(unprintable, '\ufffd');
}

export function linkTarget(uri: string): LinkTarget {
  let url: string | null = null;
  try {
    const parsed = new URL(uri);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') url = parsed.href;
  } catch {
    // Not a URL: shown, never opened.
  }
  return { url, shown: printable(url ?? uri) };
}
