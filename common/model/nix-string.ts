// Text as a Nix string literal, for the Nix the app writes or offers to copy.

/** A Nix string literal of any text: `\`, `"` and `$` (so `${`) are escaped. */
export const nixString = (text: string): string =>
  `"${text
    .replace(/[\\"$]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')}"`;
