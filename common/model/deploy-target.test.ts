// A host's deploy target in words, and the snippet that sets it in the flake's own convention.

import { describe, expect, it } from 'vitest';
import { deployConventionOf, describeHostTarget, targetSnippet } from './deploy-target.ts';
import type { DeploySettings } from './manifest.ts';

const defaults = (targetHost: string): DeploySettings => ({
  targetHost,
  targetUser: null,
  targetPort: null,
  buildOn: 'local',
  sudo: null,
  source: 'default',
  sources: {
    targetHost: 'host name',
    targetUser: 'ssh config',
    targetPort: 'ssh config',
    buildOn: 'default',
    sudo: 'default',
  },
});

const declared = (source: 'deck.deploy' | 'deployment'): DeploySettings => ({
  ...defaults('web.example.org'),
  targetUser: 'deploy',
  source,
  sources: { ...defaults('').sources, targetHost: source, targetUser: source },
});

describe('deploy targets', () => {
  it('says where a target comes from, and when it is only the default', () => {
    expect(describeHostTarget(defaults('atlas'))).toEqual({
      target: 'atlas',
      origin: 'only the default: its host name; user and port from your ~/.ssh/config',
      isDefault: true,
    });
    expect(describeHostTarget(declared('deployment'))).toEqual({
      target: 'deploy@web.example.org',
      origin: "from colmena's deployment; port from your ~/.ssh/config",
      isDefault: false,
    });
    // This repository's module present, but the host left targetHost to its default.
    const deckDefault = { ...defaults('atlas'), source: 'deck.deploy' as const };
    expect(describeHostTarget(deckDefault).isDefault).toBe(true);
  });

  it("suggests the flake's own convention: deck.deploy where a host uses it, else colmena's deployment", () => {
    expect(deployConventionOf([defaults('a'), declared('deck.deploy')])).toEqual({
      option: 'deck.deploy',
      needsModule: false,
    });
    expect(deployConventionOf([defaults('a'), declared('deployment')])).toEqual({
      option: 'deployment',
      needsModule: false,
    });
    expect(deployConventionOf([defaults('a'), defaults('b')])).toEqual({ option: 'deployment', needsModule: true });
  });

  it('writes a snippet that sets the target host, quoted as Nix, naming the module where one is needed', () => {
    expect(targetSnippet('atlas', defaults('atlas'), { option: 'deck.deploy', needsModule: false })).toBe(
      '# Where atlas is deployed: the DNS name or IP address ssh reaches it at.\n' +
        'deck.deploy.targetHost = "atlas";\n',
    );
    expect(targetSnippet('x', defaults('a"${b}'), { option: 'deployment', needsModule: true })).toBe(
      '# Where x is deployed: the DNS name or IP address ssh reaches it at.\n' +
        "# colmena's options: add colmena.nixosModules.deploymentOptions to this host's modules.\n" +
        'deployment.targetHost = "a\\"\\${b}";\n',
    );
  });
});
