// Who can read each file under the flake's secrets/: its age recipients, named by .sops.yaml anchors and host
// keys, compared with what the creation rules say now.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SecretFileList, SecretFileSummary, SecretFormat, SecretRecipient } from '../../common/model/secrets.ts';
import { hostRecipients } from '../keys/host-recipients.ts';
import { formatForPath, storeFor } from './stores/index.ts';
import { demoKeys } from './demo-keys.ts';
import { ageGroups, ageRecipients, readMetadata, sameGroups } from './metadata.ts';
import { findSopsConfig, loadSopsConfig, ruleForFile } from './sops-config.ts';
import type { SopsConfig } from './sops-config.ts';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** Display names: `.sops.yaml` anchors first, then `host:<name>` for host keys that match. */
export async function recipientNames(flake: string, config: SopsConfig | undefined): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const host of await hostRecipients(flake)) if (host.fromFile) names.set(host.fromFile, `host:${host.host}`);
  for (const [recipient, anchor] of config?.names ?? []) names.set(recipient, anchor);
  return names;
}

function named(
  recipients: { recipient: string; group: number }[],
  names: Map<string, string>,
  demo: Set<string>,
): SecretRecipient[] {
  return recipients.map((r) => ({
    ...r,
    ...(names.has(r.recipient) && { name: names.get(r.recipient) }),
    ...(demo.has(r.recipient) && { demo: true }),
  }));
}

/** A file that is not a sops file (a README, a plaintext spec) is not a secret, and is left out. */
function isSopsFile(problem: string, format: SecretFormat): boolean {
  // sops keeps a binary secret as JSON: a file of another kind that is not JSON at all is not one.
  if (format === 'binary' && /Invalid JSON/.test(problem)) return false;
  return !/has no sops metadata|has no \[sops\] section|not encrypted/.test(problem);
}

export async function listSecretFiles(flake: string): Promise<SecretFileList> {
  const configFile = findSopsConfig(flake);
  const config = configFile ? loadSopsConfig(configFile) : undefined;
  const names = await recipientNames(flake, config);
  const demo = (await demoKeys(flake)).recipients;
  const files: SecretFileSummary[] = [];
  for (const path of filesUnder(join(flake, 'secrets'))) {
    const file = relative(flake, path);
    const format = formatForPath(path);
    let recipients: SecretRecipient[] = [];
    let groups: string[][] = [];
    let problem: string | undefined;
    try {
      const metadata = readMetadata(storeFor(format).readEncrypted(new Uint8Array(readFileSync(path))).metadata);
      recipients = named(ageRecipients(metadata), names, demo);
      groups = ageGroups(metadata);
    } catch (error) {
      problem = (error as Error).message;
      if (!isSopsFile(problem, format)) continue;
    }
    let expected: SecretRecipient[] | undefined;
    let expectedGroups: string[][] | undefined;
    if (config) {
      try {
        expectedGroups = ruleForFile(config, path).plan.groups;
        const planned = expectedGroups.flatMap((g, group) => g.map((recipient) => ({ recipient, group })));
        expected = named(planned, names, demo);
      } catch {
        // No rule for this file: nothing to compare with.
      }
    }
    const differs = !problem && !!expectedGroups && !sameGroups(groups, expectedGroups);
    files.push({ file, format, recipients, ...(expected && { expected }), differs, ...(problem && { problem }) });
  }
  return { flake, files };
}
