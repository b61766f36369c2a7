// Reads git's index file (versions 2 to 4): the tracked paths with the stat data and blob id git cached for each.
// Read by hand because nothing kept on npm reads it without a native build or a whole git implementation
// (isomorphic-git reads it, with the rest of git), and running `git ls-files --stage` costs a process on every open,
// the cost this reader exists to save.

export interface IndexEntry {
  path: string;
  /** e.g. 0o100644, 0o100755, 0o120000 (symlink), 0o160000 (submodule). */
  mode: number;
  /** Blob id, hex. */
  oid: string;
  /** When the file's inode last changed: an in-place write changes it even when the mtime is put back. */
  ctimeSeconds: number;
  ctimeNanoseconds: number;
  mtimeSeconds: number;
  mtimeNanoseconds: number;
  ino: number;
  size: number;
}

export interface GitIndex {
  version: number;
  entries: IndexEntry[];
}

/** Undefined when the index uses something this reader does not follow (a split or sparse index, sha256 ids). */
export function parseGitIndex(buffer: Buffer): GitIndex | undefined {
  if (buffer.length < 12 || buffer.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buffer.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  const count = buffer.readUInt32BE(8);
  const oidLength = 20;
  const entries: IndexEntry[] = [];
  let offset = 12;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const start = offset;
    if (offset + 62 > buffer.length) return undefined;
    const mode = buffer.readUInt32BE(offset + 24);
    const flags = buffer.readUInt16BE(offset + 40 + oidLength);
    offset += 42 + oidLength;
    if (flags & 0x4000) {
      if (version < 3) return undefined;
      offset += 2;
    }
    let path: string;
    if (version === 4) {
      const { value: strip, next } = readOffsetVarint(buffer, offset);
      offset = next;
      const end = buffer.indexOf(0, offset);
      if (end < 0 || strip > previous.length) return undefined;
      path = previous.slice(0, previous.length - strip) + buffer.toString('utf8', offset, end);
      offset = end + 1;
    } else {
      const end = buffer.indexOf(0, offset);
      if (end < 0) return undefined;
      path = buffer.toString('utf8', offset, end);
      // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
      offset = start + ((end - start + 8) & ~7);
    }
    // A sparse index lists whole directories; their files are not here.
    if ((mode & 0o170000) === 0o040000) return undefined;
    // One object literal, built once: a spread into a new object costs more than the rest of the entry.
    entries.push({
      path,
      mode,
      oid: buffer.toString('hex', start + 40, start + 40 + oidLength),
      ctimeSeconds: buffer.readUInt32BE(start),
      ctimeNanoseconds: buffer.readUInt32BE(start + 4),
      mtimeSeconds: buffer.readUInt32BE(start + 8),
      mtimeNanoseconds: buffer.readUInt32BE(start + 12),
      ino: buffer.readUInt32BE(start + 20),
      size: buffer.readUInt32BE(start + 36),
    });
    previous = path;
  }
  if (hasExtension(buffer, offset, 'link') || hasExtension(buffer, offset, 'sdir')) return undefined;
  return { version, entries };
}

/** git's offset encoding (varint.c): each continuation adds one before shifting. */
function readOffsetVarint(buffer: Buffer, offset: number): { value: number; next: number } {
  let byte = buffer[offset++]!;
  let value = byte & 0x7f;
  while (byte & 0x80) {
    byte = buffer[offset++]!;
    value = ((value + 1) << 7) | (byte & 0x7f);
  }
  return { value, next: offset };
}

function hasExtension(buffer: Buffer, offset: number, signature: string): boolean {
  // Extensions follow the entries, each a 4-byte signature and a 4-byte size; the last 20 bytes are the checksum.
  while (offset + 8 <= buffer.length - 20) {
    if (buffer.toString('latin1', offset, offset + 4) === signature) return true;
    offset += 8 + buffer.readUInt32BE(offset + 4);
  }
  return false;
}
