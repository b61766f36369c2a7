// API of the flake's sops secrets: files and recipients, editor sessions with masked values, updatekeys, rotate.

import { z } from 'zod';
import { event, hostName, method, noParams, pathString } from '../define.ts';
import type {
  EditorSession,
  NewSecretFilePreview,
  RevealedValue,
  SecretFileList,
  SecretFileSummary,
} from '../../model/secrets.ts';
import type { SecretChecks } from '../../model/secret-checks.ts';
import type { DemoMaterial, MakeYoursPlan, MakeYoursReport } from '../../model/make-yours.ts';

const sessionId = z.uuid();
const document = z.number().int().min(0).default(0);
const secretPath = z.array(z.union([z.string().max(1024), z.number().int().min(0)])).max(64);
const leafType = z.enum(['str', 'int', 'float', 'bool', 'time', 'null', 'bytes']);
/** What "make this repository yours" is asked to do; the plan and the apply take the same choices. */
const makeYoursChoices = {
  identity: z.string().min(1).max(64),
  userAnchors: z.array(z.string().min(1).max(256)).max(100).optional(),
  hostKeys: z.record(hostName, z.string().max(16_384)).optional(),
  useDemoKey: z.boolean().default(false),
  loginKeys: z.array(z.string().min(1).max(16_384)).max(32).optional(),
  password: z.string().min(1).max(1024).optional(),
};
const newValue = z.union([
  z.strictObject({ type: leafType, text: z.string().max(1_000_000) }),
  z.strictObject({ type: z.enum(['map', 'list']) }),
]);

export const secretsMethods = {
  'secrets.list': method<SecretFileList>()(noParams),
  /** Files are paths relative to the current flake, e.g. `secrets/vps.yaml`. */
  'secrets.open': method<EditorSession>()(
    z.strictObject({ file: pathString, allowMacFailure: z.boolean().default(false) }),
  ),
  'secrets.reveal': method<RevealedValue>()(z.strictObject({ sessionId, document, path: secretPath.min(1) })),
  'secrets.set': method<EditorSession>()(
    z.strictObject({ sessionId, document, path: secretPath.min(1), value: newValue }),
  ),
  'secrets.rename': method<EditorSession>()(
    z.strictObject({ sessionId, document, path: secretPath.min(1), newKey: z.string().min(1).max(1024) }),
  ),
  'secrets.remove': method<EditorSession>()(z.strictObject({ sessionId, document, path: secretPath.min(1) })),
  'secrets.save': method<EditorSession>()(z.strictObject({ sessionId })),
  'secrets.close': method<{ closed: true }>()(z.strictObject({ sessionId })),
  /** Which creation rule of .sops.yaml a new file at this path gets and who can read it; refused with the reason. */
  'secrets.previewNewFile': method<NewSecretFilePreview>()(z.strictObject({ file: pathString })),
  /** Creates the file encrypted, with one first value; returns its path relative to the flake. */
  'secrets.createFile': method<{ file: string }>()(
    z.strictObject({ file: pathString, key: z.string().min(1).max(1024), value: z.string().max(1_000_000) }),
  ),
  'secrets.updatekeys': method<SecretFileSummary>()(z.strictObject({ file: pathString })),
  'secrets.rotate': method<SecretFileSummary>()(z.strictObject({ file: pathString })),
  /** The hosts' declared secrets (their manifests) against the files: missing, unused, unreadable, outdated. */
  'secrets.checks': method<SecretChecks>()(noParams),
  /** Where the flake still uses its published demo keys: "make this repository yours" is offered only then. */
  'secrets.demoMaterial': method<DemoMaterial>()(noParams),
  /** Prepares everything in memory and writes nothing; `fingerprint` is what `makeYoursApply` confirms. */
  'secrets.makeYoursPlan': method<MakeYoursPlan>()(z.strictObject(makeYoursChoices)),
  'secrets.makeYoursApply': method<MakeYoursReport>()(
    z.strictObject({
      ...makeYoursChoices,
      fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
      keepDemoKey: z.boolean().default(false),
    }),
  ),
};

export const secretsEvents = {
  /** A secret file was written by Flakedeck (save, updatekeys, rotate). */
  'secrets.saved': event<{ file: string }>(),
};
