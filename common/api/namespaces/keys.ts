// API of the age identities in the OS keychain and the hosts' age recipients. No method returns a private key.

import { z } from 'zod';
import { hostName, method, noParams, pathString } from '../define.ts';
import type { HostRecipient, ImportedKeys, KeyIdentity, KeychainStatus } from '../../model/keys.ts';

/** A name for an identity in the keychain; it is part of the keychain entry's account name. */
const keyLabel = z
  .string()
  .min(1, 'a label is required')
  .max(64)
  .refine((s) => !/[\0-\x1f\x7f]/.test(s), 'a label cannot contain control characters');

export const keysMethods = {
  'keys.status': method<KeychainStatus>()(noParams),
  'keys.generate': method<KeyIdentity>()(z.strictObject({ label: keyLabel })),
  'keys.import': method<ImportedKeys>()(
    z.strictObject({ path: pathString, label: keyLabel.default('imported'), deleteFile: z.boolean().default(false) }),
  ),
  /** `confirmPublicKey` must be the identity's public key: the UI's confirmation, checked in main. */
  'keys.delete': method<{ deleted: true }>()(z.strictObject({ label: keyLabel, confirmPublicKey: z.string().min(1) })),
  'keys.hostRecipients': method<HostRecipient[]>()(
    z.strictObject({
      scan: z.boolean().default(false),
      addresses: z.record(hostName, hostName).optional(),
      hosts: z.array(hostName).max(1000).optional(),
    }),
  ),
};

export const keysEvents = {};
