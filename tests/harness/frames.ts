// The test transport's messages from the server to the page, as frames on one byte stream: JSON, with long strings
// carried after it as raw UTF-8, so megabytes of terminal output are not escaped into JSON and parsed back.
//
// A frame: u32 length of the rest (little-endian), u32 length of the JSON, the JSON, then the long strings' bytes.
// In the JSON a long string is `{"\u0000utf8": [start, end]}`, its byte range after the JSON.

const stringRef = '\u0000utf8';
/** Strings at least this long travel as raw bytes. */
const rawFrom = 1024;
const headerBytes = 8;

const encoder = new TextEncoder();

/** The frame's parts, in order (written with one writev, no copy into a single buffer). */
export function encodeFrame(message: unknown): Uint8Array[] {
  const strings: Uint8Array[] = [];
  let end = 0;
  const json = encoder.encode(
    JSON.stringify(message, (_key, value: unknown) => {
      if (typeof value !== 'string' || value.length < rawFrom) return value;
      const bytes = encoder.encode(value);
      strings.push(bytes);
      end += bytes.length;
      return { [stringRef]: [end - bytes.length, end] };
    }),
  );
  const header = new Uint8Array(headerBytes);
  const view = new DataView(header.buffer);
  view.setUint32(0, 4 + json.length + end, true);
  view.setUint32(4, json.length, true);
  return [header, json, ...strings];
}

/** Reassembles frames from the chunks a stream delivers, however they are cut. */
export class FrameReader {
  readonly #decoder = new TextDecoder();
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  /** Adds a chunk and returns the messages it completes. */
  push(chunk: Uint8Array): unknown[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const messages: unknown[] = [];
    while (this.#buffered >= headerBytes) {
      const length = new DataView(this.#peek(4).buffer).getUint32(0, true);
      if (this.#buffered < 4 + length) break;
      messages.push(this.#decode(this.#take(4 + length).subarray(4)));
    }
    return messages;
  }

  #decode(frame: Uint8Array): unknown {
    const jsonLength = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, true);
    const strings = frame.subarray(4 + jsonLength);
    return JSON.parse(this.#decoder.decode(frame.subarray(4, 4 + jsonLength)), (_key, value: unknown) => {
      if (value === null || typeof value !== 'object' || !(stringRef in value)) return value;
      const [start, end] = (value as Record<typeof stringRef, [number, number]>)[stringRef];
      return this.#decoder.decode(strings.subarray(start, end));
    });
  }

  /** The first `count` buffered bytes, without consuming them (a copy of at most `count` bytes). */
  #peek(count: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= count) return first.slice(0, count);
    const bytes = new Uint8Array(count);
    let at = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, count - at);
      bytes.set(part, at);
      at += part.length;
      if (at === count) break;
    }
    return bytes;
  }

  /** Consumes `count` bytes: a view into the first chunk when it holds them all, else a copy. */
  #take(count: number): Uint8Array {
    this.#buffered -= count;
    const first = this.#chunks[0]!;
    if (first.length >= count) {
      if (first.length === count) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const bytes = new Uint8Array(count);
    let at = 0;
    while (at < count) {
      const chunk = this.#chunks[0]!;
      const part = chunk.subarray(0, count - at);
      bytes.set(part, at);
      at += part.length;
      if (part.length === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part.length);
    }
    return bytes;
  }
}
