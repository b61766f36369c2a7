// Where the CLI takes age identities from: SOPS_AGE_KEY / SOPS_AGE_KEY_FILE as sops reads them, else the keychain.

import { readFileSync } from 'node:fs';
import { ApiError } from '../../common/api/errors.ts';
import { parseIdentities } from './age-identities.ts';
import type { KeyService } from './key-service.ts';

export async function cliIdentities(env: NodeJS.ProcessEnv, keys: KeyService): Promise<string[]> {
  const identities: string[] = [];
  if (env.SOPS_AGE_KEY) identities.push(...parseIdentities(env.SOPS_AGE_KEY, 'SOPS_AGE_KEY'));
  if (env.SOPS_AGE_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(env.SOPS_AGE_KEY_FILE, 'utf8');
    } catch (error) {
      throw new ApiError({
        code: 'NOT_FOUND',
        message: `Cannot read SOPS_AGE_KEY_FILE ${env.SOPS_AGE_KEY_FILE}: ${(error as Error).message}.`,
      });
    }
    identities.push(...parseIdentities(text, env.SOPS_AGE_KEY_FILE));
  }
  if (identities.length > 0) return identities;
  let stored: string[];
  try {
    stored = await keys.identities();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'KEYCHAIN_UNAVAILABLE') throw error;
    throw new ApiError({
      code: 'NO_IDENTITY',
      message: `No age key: SOPS_AGE_KEY and SOPS_AGE_KEY_FILE are not set, and ${error.message[0]!.toLowerCase()}${error.message.slice(1)}`,
      hint: `Set SOPS_AGE_KEY_FILE to your age key file, or: ${error.hint ?? ''}`,
    });
  }
  if (stored.length === 0) {
    throw new ApiError({
      code: 'NO_IDENTITY',
      message: 'No age key: the keychain holds none, and SOPS_AGE_KEY and SOPS_AGE_KEY_FILE are not set.',
      hint: 'Run `flakedeck keys generate` or `flakedeck keys import FILE`, or set SOPS_AGE_KEY_FILE.',
    });
  }
  return stored;
}
