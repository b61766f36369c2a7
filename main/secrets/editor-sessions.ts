// Editor sessions: a decrypted file held in main's memory, edited by key path, saved atomically; the renderer sees
// only masked values, and a value's plaintext only when the user reveals it. Decrypting and encrypting run on the
// sops worker thread.

import { randomUUID } from 'node:crypto';
import { ApiError } from '../../common/api/errors.ts';
import type { EditorSession, NewValue, RevealedValue, SecretPath, SecretRecipient } from '../../common/model/secrets.ts';
import { cloneValue } from './tree.ts';
import type { Branch } from './tree.ts';
import { readVersioned, writeAtomically } from './atomic-file.ts';
import type { FileVersion } from './atomic-file.ts';
import { openInWorker, sopsThread } from './sops-thread.ts';
import { encodeTrees, receiveOpened, sendOpened } from './tree-transfer.ts';
import type { SealedFile } from './tree-transfer.ts';
import { formatForPath } from './stores/index.ts';
import { ageRecipients } from './metadata.ts';
import { encryptionSelector } from './encryption-rules.ts';
import { checkShape, maskTree, parseNewValue, removeValue, renameKey, setValue, typeOfValue, valueAt, valueText } from './tree-edit.ts';

export type IdentitySource = () => Promise<string[]>;

interface Session {
  id: string;
  file: string;
  /** The file as last read or written, without its plaintext (the working copy holds that). */
  sealed: SealedFile;
  /** The working copy: the opened plaintext with the user's edits. */
  working: Branch[];
  version: FileVersion;
  dirty: boolean;
  /** Counts edits, so a save tells whether one came in while it encrypted. */
  edits: number;
  readOnly: boolean;
  names: Map<string, string>;
}

export interface OpenRequest {
  file: string;
  /** Open a file whose MAC fails, read-only, after the user was told. */
  allowMacFailure?: boolean;
  /** Display names of recipients (.sops.yaml anchors, host keys). */
  names?: Map<string, string>;
}

export class EditorSessions {
  readonly #identities: IdentitySource;
  readonly #sessions = new Map<string, Session>();

  constructor(identities: IdentitySource) {
    this.#identities = identities;
  }

  #session(id: string): Session {
    const session = this.#sessions.get(id);
    if (!session) throw new ApiError({ code: 'NOT_FOUND', message: 'This editor session is closed.', hint: 'Open the file again.' });
    return session;
  }

  #view(s: Session): EditorSession {
    const shouldEncrypt = encryptionSelector(s.sealed.format === 'binary' ? {} : s.sealed.metadata.rules);
    const names = s.names;
    const recipients: SecretRecipient[] = ageRecipients(s.sealed.metadata).map((r) => ({ ...r, ...(names.has(r.recipient) && { name: names.get(r.recipient) }) }));
    return {
      sessionId: s.id,
      file: s.file,
      format: s.sealed.format,
      documents: s.working.map((doc) => maskTree(doc, shouldEncrypt)),
      dirty: s.dirty,
      readOnly: s.readOnly,
      damaged: s.sealed.damaged,
      recipients,
    };
  }

  async open({ file, allowMacFailure, names = new Map() }: OpenRequest): Promise<EditorSession> {
    const { bytes, version } = readVersioned(file);
    const identities = await this.#identities();
    const { plaintext, ...sealed } = await openInWorker(bytes, formatForPath(file), { identities, file, ignoreMac: allowMacFailure }, { handOver: true });
    const id = randomUUID();
    const session: Session = { id, file, sealed, working: plaintext, version, dirty: false, edits: 0, readOnly: !sealed.macVerified, names };
    this.#sessions.set(id, session);
    return this.#view(session);
  }

  view(id: string): EditorSession {
    return this.#view(this.#session(id));
  }

  #document(s: Session, document: number): Branch {
    const doc = s.working[document];
    if (!doc) throw new ApiError({ code: 'NOT_FOUND', message: `${s.file} has no document ${document + 1}.` });
    return doc;
  }

  reveal(id: string, document: number, path: SecretPath): RevealedValue {
    const s = this.#session(id);
    const value = valueAt(this.#document(s, document), path);
    return { path, type: typeOfValue(value), text: valueText(value) };
  }

  /** Applies an edit to a copy and keeps it only when the format can hold the result. */
  #edit(id: string, document: number, change: (doc: Branch) => void): EditorSession {
    const s = this.#session(id);
    if (s.readOnly) throw new ApiError({ code: 'READ_ONLY', message: `${s.file} was opened read-only because its MAC check failed.` });
    const copy = cloneValue(this.#document(s, document));
    change(copy);
    checkShape(s.sealed.format, copy);
    s.working[document] = copy;
    s.dirty = true;
    s.edits++;
    return this.#view(s);
  }

  set(id: string, document: number, path: SecretPath, value: NewValue): EditorSession {
    const parsed = parseNewValue(value);
    return this.#edit(id, document, (doc) => setValue(doc, path, parsed));
  }

  rename(id: string, document: number, path: SecretPath, newKey: string): EditorSession {
    return this.#edit(id, document, (doc) => renameKey(doc, path, newKey));
  }

  remove(id: string, document: number, path: SecretPath): EditorSession {
    return this.#edit(id, document, (doc) => removeValue(doc, path));
  }

  /** Encrypts in memory, reads the result back, then writes it atomically unless the file changed meanwhile. */
  async save(id: string): Promise<EditorSession> {
    const s = this.#session(id);
    if (s.readOnly) throw new ApiError({ code: 'READ_ONLY', message: `${s.file} was opened read-only because its MAC check failed; it cannot be saved.` });
    if (!s.dirty) return this.#view(s);
    const edits = s.edits;
    // Encrypted and read back on the worker, while edits may come in.
    const { bytes, sealed } = await sopsThread.run('save', s.file, [sendOpened(s.sealed), encodeTrees(s.working), s.file]);
    s.version = writeAtomically(s.file, bytes, s.version);
    // The re-read file's IVs, so a later save again changes only what is edited after this one.
    s.sealed = receiveOpened(sealed);
    s.dirty = s.edits !== edits;
    return this.#view(s);
  }

  close(id: string): void {
    this.#sessions.delete(id);
  }

  /** Sessions hold plaintext: closing the app drops them all. */
  closeAll(): void {
    this.#sessions.clear();
  }
}
