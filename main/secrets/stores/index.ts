// Picks the store for a file the way sops does: by extension, anything unknown is binary.

import { extname } from 'node:path';
import type { SecretFormat } from '../../../common/model/secrets.ts';
import type { Store, StoreSettings } from './store.ts';
import { yamlStore } from './yaml-store.ts';
import { binaryStore, jsonStore } from './json-store.ts';
import { dotenvStore } from './dotenv-store.ts';
import { iniStore } from './ini-store.ts';

export function formatForPath(path: string): SecretFormat {
  switch (extname(path).toLowerCase()) {
    case '.yaml':
    case '.yml':
      return 'yaml';
    case '.json':
      return 'json';
    case '.env':
      return 'dotenv';
    case '.ini':
      return 'ini';
    default:
      return 'binary';
  }
}

export function storeFor(format: SecretFormat, settings: StoreSettings = {}): Store {
  switch (format) {
    case 'yaml':
      return yamlStore(settings);
    case 'json':
      return jsonStore(settings);
    case 'dotenv':
      return dotenvStore();
    case 'ini':
      return iniStore();
    case 'binary':
      return binaryStore(settings);
  }
}
