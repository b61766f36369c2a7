// The secrets of the current flake, as the API offers them: listing with recipients, editor sessions, updatekeys
// and rotate. Paths are relative to the flake and may not leave it. Files are read on the sops worker thread.

import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { EditorSession, SecretFileList, SecretFileSummary } from '../../common/model/secrets.ts';
import type { Inspection } from '../../common/model/manifest.ts';
import type { SecretChecks } from '../../common/model/secret-checks.ts';
import { EditorSessions } from './editor-sessions.ts';
import type { IdentitySource } from './editor-sessions.ts';
import { rotateFile, updateKeysFile } from './file-operations.ts';
import { secretsOf, sopsThread } from './sops-thread.ts';

export class SecretsService {
  readonly #flake: () => string;
  readonly #identities: IdentitySource;
  readonly sessions: EditorSessions;

  constructor(flake: () => string, identities: IdentitySource) {
    this.#flake = flake;
    this.#identities = identities;
    this.sessions = new EditorSessions(identities);
  }

  /** A path from the renderer, resolved inside the flake: nothing outside it can be opened or written. */
  resolve(file: string): string {
    const flake = this.#flake();
    const path = resolve(flake, file);
    const inside = relative(flake, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new ApiError({ code: 'INVALID_ARGUMENTS', message: `${file} is not inside the flake ${flake}.` });
    }
    return path;
  }

  list(): Promise<SecretFileList> {
    const flake = this.#flake();
    return sopsThread.run('list', secretsOf(flake), [flake]);
  }

  /** The hosts' manifests checked against the files of secrets/ and their recipients. */
  checks(inspection: Inspection): Promise<SecretChecks> {
    const flake = this.#flake();
    return sopsThread.run('checks', secretsOf(flake), [flake, inspection]);
  }

  async open(file: string, allowMacFailure: boolean): Promise<EditorSession> {
    const flake = this.#flake();
    const names = await sopsThread.run('names', secretsOf(flake), [flake]);
    return this.sessions.open({ file: this.resolve(file), allowMacFailure, names });
  }

  async #summary(path: string): Promise<SecretFileSummary> {
    const file = relative(this.#flake(), path);
    const summary = (await this.list()).files.find((f) => f.file === file);
    if (!summary) throw new ApiError({ code: 'NOT_FOUND', message: `${file} is not a sops file under secrets/.` });
    return summary;
  }

  /** The flake's .sops.yaml decides, wherever the app was started from. */
  async updateKeys(file: string): Promise<SecretFileSummary> {
    const path = this.resolve(file);
    await updateKeysFile(path, { identities: await this.#identities(), configStart: dirname(path) });
    return this.#summary(path);
  }

  async rotate(file: string): Promise<SecretFileSummary> {
    const path = this.resolve(file);
    await rotateFile(path, { identities: await this.#identities() });
    return this.#summary(path);
  }
}
