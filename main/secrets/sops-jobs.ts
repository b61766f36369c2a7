// The sops work the worker thread (sops-worker.ts) does, away from the thread that answers the window: parsing, age,
// decryption and MAC checks, encryption, and .sops.yaml rules over every file. Files are read and written by the
// caller; arguments and results are structured-clone data.

import { dirname } from 'node:path';
import type { Inspection } from '../../common/model/manifest.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';
import type { ApiErrorData } from '../../common/api/errors.ts';
import { hostRecipients } from '../keys/host-recipients.ts';
import { checkSecrets } from './secret-checks.ts';
import { listSecretFiles, recipientNames } from './recipients-view.ts';
import { checkWritten, decryptedBytes, encryptPlain, openSops, reencrypt, rotate, updateKeys } from './sops-file.ts';
import type { KeyPlan, OpenedFile, OpenOptions } from './sops-file.ts';
import { findSopsConfig, loadSopsConfig, requireSopsConfig, ruleForFile } from './sops-config.ts';
import type { SopsConfig } from './sops-config.ts';
import { ageGroups, readMetadata, sameGroups } from './metadata.ts';
import { newDataKey } from './data-key.ts';
import { formatForPath, storeFor } from './stores/index.ts';
import type { Branch } from './tree.ts';
import { decodeTrees, receiveOpened, sendOpened } from './tree-transfer.ts';
import type { OpenedTransfer, SealedFile } from './tree-transfer.ts';
import { invalidFile } from './sops-errors.ts';

/** How a file on disk is handled: whose keys, which .sops.yaml, which format. */
export interface FileOptions {
  identities: readonly string[];
  /** Where to start looking for .sops.yaml: sops uses the working directory; the app uses the flake. */
  configStart?: string;
  format?: SecretFormat;
}

function configFor(path: string, start: string | undefined): SopsConfig {
  return requireSopsConfig(start ?? dirname(path));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

export const sopsJobs = {
  async open(bytes: Uint8Array, format: SecretFormat, options: OpenOptions): Promise<OpenedTransfer<OpenedFile>> {
    return sendOpened(await openSops(bytes, format, options));
  },

  /**
   * An edited plaintext encrypted with the file's key and IVs, and read back; what comes back is the file as
   * written, without the plaintext the caller already has.
   */
  async save(sealed: OpenedTransfer<SealedFile>, plaintext: unknown, file: string): Promise<{ bytes: Uint8Array; sealed: OpenedTransfer<SealedFile> }> {
    const received = receiveOpened(sealed);
    const bytes = reencrypt(received, decodeTrees(plaintext) as Branch[]);
    const { plaintext: _plaintext, ...reopened } = await checkWritten(bytes, received.format, { identities: [], dataKey: received.dataKey, file });
    return { bytes, sealed: sendOpened(reopened) };
  },

  /**
   * `sops encrypt` of a plaintext file's bytes, by the creation rule that matches its path; `readBack` checks that
   * the result decrypts to the same plaintext (before it replaces the plaintext).
   */
  async encrypt(plain: Uint8Array, path: string, options: FileOptions & { readBack: boolean }): Promise<{ bytes: Uint8Array; config: SopsConfig }> {
    const config = configFor(path, options.configStart);
    const rule = ruleForFile(config, path);
    const format = options.format ?? formatForPath(path);
    const dataKey = newDataKey();
    const bytes = await encryptPlain(plain, format, { plan: rule.plan, rules: rule.rules, settings: config.stores, dataKey });
    if (options.readBack) {
      const reopened = await checkWritten(bytes, format, { identities: [], dataKey, file: path, settings: config.stores });
      const store = storeFor(format, config.stores);
      if (!sameBytes(decryptedBytes(reopened), store.writePlain(store.readPlain(plain)))) {
        throw invalidFile(`Flakedeck produced a file that does not give back ${path}; nothing was written.`, 'Please report this as a bug.');
      }
    }
    return { bytes, config };
  },

  /** `sops updatekeys`: the file re-wrapped for the recipients its creation rule gives now, or null if they are its own. */
  async updateKeys(bytes: Uint8Array, path: string, options: FileOptions): Promise<Uint8Array | null> {
    const rule = ruleForFile(configFor(path, options.configStart), path);
    const format = options.format ?? formatForPath(path);
    const current = readMetadata(storeFor(format).readEncrypted(bytes).metadata);
    if (sameGroups(ageGroups(current), rule.plan.groups)) return null;
    return updateKeys(bytes, format, rule.plan, { identities: options.identities, file: path });
  },

  /** `sops rotate`: a new data key, every value re-encrypted, and the result read back. */
  async rotate(bytes: Uint8Array, path: string, options: FileOptions): Promise<Uint8Array> {
    const format = options.format ?? formatForPath(path);
    const rotated = await rotate(bytes, format, { identities: options.identities, file: path });
    await checkWritten(rotated, format, { identities: options.identities, file: path });
    return rotated;
  },

  /**
   * An opened file made someone else's (make-yours): its edited plaintext encrypted with its key, its data key wrapped
   * for `plan`'s recipients (`sops updatekeys`), then a new data key (`sops rotate`); and whether `check`, the key that
   * must read it afterwards, opens the result. An unedited plaintext is encrypted again too: rotate re-encrypts every
   * value anyway.
   */
  async rekey(sealed: OpenedTransfer<SealedFile>, plaintext: unknown, plan: KeyPlan, file: string, check: string): Promise<{ bytes: Uint8Array; opens: boolean }> {
    const received = receiveOpened(sealed);
    const keyed = { identities: [], dataKey: received.dataKey, file };
    const edited = reencrypt(received, decodeTrees(plaintext) as Branch[]);
    const bytes = await rotate(await updateKeys(edited, received.format, plan, keyed), received.format, keyed);
    const opens = await openSops(bytes, received.format, { identities: [check], file }).then(
      () => true,
      () => false,
    );
    return { bytes, opens };
  },

  list: (flake: string) => listSecretFiles(flake),

  /** Display names of recipients: the flake's .sops.yaml anchors and host keys. */
  names(flake: string): Promise<Map<string, string>> {
    const config = findSopsConfig(flake);
    return recipientNames(flake, config ? loadSopsConfig(config) : undefined);
  },

  /** The hosts' manifests checked against the files of secrets/ and their recipients. */
  async checks(flake: string, inspection: Inspection) {
    const [list, hosts] = await Promise.all([listSecretFiles(flake), hostRecipients(flake)]);
    return checkSecrets({ flake, inspection, files: list.files, hosts });
  },
};

export type SopsJobs = typeof sopsJobs;
export type SopsJobName = keyof SopsJobs;

/** What the worker sends once, when it is loaded and takes jobs. */
export const readyMessage = 'ready';

export interface SopsRequest {
  id: number;
  name: SopsJobName;
  args: unknown[];
}

/** A failed job's error: an ApiError travels as its data, any other error as its message. */
export type SopsReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; api?: ApiErrorData };
