// Terminal text with SGR colour codes as styled segments, for logs shown outside a terminal.

export interface Segment {
  text: string;
  bold: boolean;
  dim: boolean;
  /** 0–7 of the basic palette, or null for the default colour. */
  color: number | null;
}

const sequence = /\x1b\[([0-9;]*)([A-Za-z])/g;

export function ansiSegments(input: string): Segment[] {
  const text = input.replaceAll('\r\n', '\n').replace(/\r(?!\n)/g, '');
  const segments: Segment[] = [];
  let style = { bold: false, dim: false, color: null as number | null };
  let last = 0;
  const push = (part: string) => {
    if (!part) return;
    const previous = segments.at(-1);
    if (previous && previous.bold === style.bold && previous.dim === style.dim && previous.color === style.color) {
      previous.text += part;
    } else segments.push({ text: part, ...style });
  };
  for (const match of text.matchAll(sequence)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] !== 'm') continue; // cursor and erase sequences mean nothing here
    for (const code of (match[1] || '0').split(';').map(Number)) {
      if (code === 0) style = { bold: false, dim: false, color: null };
      else if (code === 1) style = { ...style, bold: true };
      else if (code === 2) style = { ...style, dim: true };
      else if (code === 22) style = { ...style, bold: false, dim: false };
      else if (code >= 30 && code <= 37) style = { ...style, color: code - 30 };
      else if (code >= 90 && code <= 97) style = { ...style, color: code - 90 };
      else if (code === 39) style = { ...style, color: null };
    }
  }
  push(text.slice(last));
  return segments;
}
