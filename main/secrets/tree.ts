// The in-memory SOPS tree (SPEC §1): ordered branches, comments and typed leaves, one branch per YAML document.

/** A comment inside a branch or list; `value` is the text after `#`, so `# foo` holds " foo". */
export class Comment {
  readonly value: string;
  /** Written after a value on the same line. */
  readonly inline: boolean;

  constructor(value: string, inline = false) {
    this.value = value;
    this.inline = inline;
  }
}

/** A YAML timestamp, kept as Go's `time.MarshalText` writes it (RFC 3339 with nanoseconds). */
export class Timestamp {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/**
 * Leaves: strings, ints (bigint, so int64 survives), floats (number), bools, timestamps, raw bytes (the binary
 * store's data) and null.
 */
export type Leaf = string | bigint | number | boolean | Timestamp | Uint8Array | null;
export type TreeList = (TreeValue | Comment)[];
export type TreeValue = Leaf | Branch | TreeList;

export interface Entry {
  key: string;
  value: TreeValue;
}

export type BranchItem = Entry | Comment;

/** An ordered map: key order as found in the file, comments in place. */
export class Branch {
  readonly items: BranchItem[];

  constructor(items: BranchItem[] = []) {
    this.items = items;
  }

  get(key: string): TreeValue | undefined {
    for (const item of this.items) if (!(item instanceof Comment) && item.key === key) return item.value;
    return undefined;
  }

  entries(): Entry[] {
    return this.items.filter((i): i is Entry => !(i instanceof Comment));
  }
}

export function isEntry(item: BranchItem): item is Entry {
  return !(item instanceof Comment);
}

/** The sops type of a string, int (bigint), float (number) or bool leaf: what the editor shows and `ENC[…]` records. */
export function scalarType(value: string | bigint | number | boolean): 'str' | 'int' | 'float' | 'bool' {
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    default:
      return 'bool';
  }
}

/** A deep copy, so an edited tree never shares lists or branches with the one it came from. */
export function cloneValue<T extends TreeValue | Comment>(value: T): T {
  if (value instanceof Branch) {
    return new Branch(value.items.map((i) => (i instanceof Comment ? i : { key: i.key, value: cloneValue(i.value) }))) as T;
  }
  if (Array.isArray(value)) return value.map((v) => cloneValue(v)) as T;
  return value;
}
