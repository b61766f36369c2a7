// A host's deploy target on the Deploy page: where it comes from, in words, and the Nix that sets it where the
// target is only the default.

import { describeTarget } from './manifest.ts';
import type { DeploySettingSource, DeploySettings } from './manifest.ts';
import { nixString } from './nix-string.ts';

/** The flake's way of declaring deploy targets: this repository's `deck.deploy`, or colmena's `deployment`. */
export interface DeployConvention {
  option: 'deck.deploy' | 'deployment';
  /** No host declares it yet: the options come from a module the flake does not import yet (colmena's). */
  needsModule: boolean;
}

export interface TargetDescription {
  /** `user@host:port` with what is declared. */
  target: string;
  /** Where it comes from, in words. */
  origin: string;
  /** The target host is not declared: deploys go to the host's name, wherever ssh finds it. */
  isDefault: boolean;
}

const origins: Record<DeploySettingSource, string> = {
  'deck.deploy': 'from deck.deploy',
  deployment: "from colmena's deployment",
  'host name': 'only the default: its host name',
  'ssh config': 'from your ~/.ssh/config',
  default: 'the default',
};

/** What a host that does not evaluate shows for its deploy target: why it is not known. */
export const unknownTargetReason =
  "Deploy target not known: it is read from the host's configuration (deck.deploy, colmena's deployment or its " +
  'host name), which does not evaluate.';

export function describeHostTarget(settings: DeploySettings): TargetDescription {
  const { sources } = settings;
  const undeclared = [
    sources.targetUser === 'ssh config' ? 'user' : null,
    sources.targetPort === 'ssh config' ? 'port' : null,
  ];
  const fromSsh = undeclared.filter((part) => part !== null).join(' and ');
  return {
    target: describeTarget(settings),
    origin: `${origins[sources.targetHost]}${fromSsh ? `; ${fromSsh} ${origins['ssh config']}` : ''}`,
    isDefault: sources.targetHost === 'host name',
  };
}

/**
 * The convention to suggest, by what the flake's hosts use: `deck.deploy` where one host has it (this
 * repository's module), else colmena's `deployment`, which other flakes use (and which a flake that declares no
 * target yet gets from colmena's module).
 */
export function deployConventionOf(settings: readonly DeploySettings[]): DeployConvention {
  if (settings.some((s) => s.source === 'deck.deploy')) return { option: 'deck.deploy', needsModule: false };
  return { option: 'deployment', needsModule: !settings.some((s) => s.source === 'deployment') };
}

/** The Nix that sets `host`'s deploy target, to paste into its configuration and change to its real address. */
export function targetSnippet(host: string, settings: DeploySettings, convention: DeployConvention): string {
  const lines = [
    `# Where ${host} is deployed: the DNS name or IP address ssh reaches it at.`,
    ...(convention.needsModule
      ? ["# colmena's options: add colmena.nixosModules.deploymentOptions to this host's modules."]
      : []),
    `${convention.option}.targetHost = ${nixString(settings.targetHost)};`,
  ];
  return `${lines.join('\n')}\n`;
}
