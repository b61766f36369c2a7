// Handlers of the secrets namespace.

import { relative } from 'node:path';
import type { Services } from '../../services.ts';
import { findDemoMaterial } from '../../secrets/demo-material.ts';
import { createSecretFile, previewNewSecretFile } from '../../secrets/new-secret-file.ts';
import type { HandlersFor } from '../router.ts';
import type { secretsMethods } from '../../../common/api/namespaces/secrets.ts';

export function secretsHandlers({
  secrets,
  events,
  flake,
  manifests,
  makeYours,
}: Services): HandlersFor<typeof secretsMethods> {
  const { sessions } = secrets;
  return {
    'secrets.list': () => secrets.list(),
    'secrets.open': ({ file, allowMacFailure }) => secrets.open(file, allowMacFailure),
    'secrets.reveal': ({ sessionId, document, path }) => sessions.reveal(sessionId, document, path),
    'secrets.set': ({ sessionId, document, path, value }) => sessions.set(sessionId, document, path, value),
    'secrets.rename': ({ sessionId, document, path, newKey }) => sessions.rename(sessionId, document, path, newKey),
    'secrets.remove': ({ sessionId, document, path }) => sessions.remove(sessionId, document, path),
    'secrets.save': async ({ sessionId }) => {
      const wasDirty = sessions.view(sessionId).dirty;
      const session = await sessions.save(sessionId);
      if (wasDirty) events.emit('secrets.saved', { file: relative(flake.current().path, session.file) });
      return session;
    },
    'secrets.close': ({ sessionId }) => {
      sessions.close(sessionId);
      return { closed: true };
    },
    'secrets.previewNewFile': ({ file }) => previewNewSecretFile(flake.current().path, file),
    'secrets.createFile': async ({ file, key, value }) => {
      const created = await createSecretFile(flake.current().path, file, key, value);
      events.emit('secrets.saved', { file: created });
      return { file: created };
    },
    'secrets.updatekeys': async ({ file }) => {
      const summary = await secrets.updateKeys(file);
      events.emit('secrets.saved', { file: summary.file });
      return summary;
    },
    'secrets.rotate': async ({ file }) => {
      const summary = await secrets.rotate(file);
      events.emit('secrets.saved', { file: summary.file });
      return summary;
    },
    'secrets.checks': async () => secrets.checks(await manifests.inspect(flake.current().path, { freshness: 'fresh' })),
    'secrets.demoMaterial': () => findDemoMaterial(flake.current().path),
    'secrets.makeYoursPlan': (choices) => makeYours.plan(choices),
    'secrets.makeYoursApply': async ({ fingerprint, keepDemoKey, ...choices }) => {
      const report = await makeYours.apply(choices, fingerprint, keepDemoKey);
      for (const file of report.written) events.emit('secrets.saved', { file });
      return report;
    },
  };
}
