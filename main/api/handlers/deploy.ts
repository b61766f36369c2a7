// Handlers of builds, deploys, rollbacks and generations, for the opened flake.

import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { deployMethods } from '../../../common/api/namespaces/deploy.ts';

export function deployHandlers({ flake, deploy, targets, fleet }: Services): HandlersFor<typeof deployMethods> {
  return {
    'build.start': ({ hosts }) => deploy.build(flake.current().path, hosts),
    'deploy.start': ({ hosts, mode, requireApproval, allowRename }) =>
      deploy.deploy(flake.current().path, hosts, mode, requireApproval, { allowRename }),
    'deploy.thisMachine': async () => ({ host: await targets.thisMachine(flake.current().path) }),
    'deploy.approve': ({ runId }) => deploy.approve(runId),
    'deploy.keepSeconds': () => ({ seconds: deploy.keepSeconds }),
    'deploy.setKeepSeconds': ({ seconds }) => deploy.setKeepSeconds(seconds),
    'deploy.keep': ({ runId }) => deploy.answerKeep(runId, 'keep'),
    'deploy.revert': ({ runId }) => deploy.answerKeep(runId, 'revert'),
    'deploy.cancel': ({ runId }) => deploy.cancel(runId),
    'deploy.status': () => deploy.status(),
    'deploy.clear': ({ runIds }) => deploy.clear(runIds),
    'generations.list': async ({ host }) =>
      fleet.annotateGenerations(flake.current().path, await deploy.generations(flake.current().path, host)),
    'generations.rollback': ({ host, generation, requireApproval }) =>
      deploy.rollback(flake.current().path, host, generation, requireApproval),
  };
}
