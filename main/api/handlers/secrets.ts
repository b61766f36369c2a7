// Handlers of the secrets namespace.

import { relative } from 'node:path';
import type { Services } from '../../services.ts';
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
    'secrets.makeYoursPlan': (choices) => makeYours.plan(choices),
    'secrets.makeYoursApply': async ({ fingerprint, keepDemoKey, ...choices }) => {
      const report = await makeYours.apply(choices, fingerprint, keepDemoKey);
      for (const file of report.written) events.emit('secrets.saved', { file });
      return report;
    },
  };
}
