// Finds the places in a text that name a file and line ("/home/me/flake/hosts.nix:3:48"), so they can open in an editor.

import type { SourceLocation } from '../../common/api/errors.ts';

export type TextPart = { text: string; location?: SourceLocation };

/** An absolute path without spaces, then :line and an optional :column. */
const locationPattern = /\/[^\s:'"`()<>]+:(\d+)(?::(\d+))?/g;

/** Splits text into plain parts and parts that name a place in a file, in order. */
export function sourceParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(locationPattern)) {
    // A store path is nix's copy, not a file the user edits.
    if (match[0].startsWith('/nix/store/')) continue;
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    const file = match[0].slice(0, match[0].length - match[1]!.length - 1 - (match[2] ? match[2].length + 1 : 0));
    parts.push({
      text: match[0],
      location: { file, line: Number(match[1]), ...(match[2] && { column: Number(match[2]) }) },
    });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** The first place in a file a text names, if any. */
export function firstLocation(text: string): SourceLocation | undefined {
  return sourceParts(text).find((p) => p.location)?.location;
}
