// `flakedeck make-yours`: the published demo keys replaced by your age key, your hosts' real keys and your login key
// and password, every secret file rotated to them. Prints the plan; writes it only with --yes.

import { readFileSync } from 'node:fs';
import { ApiError } from '../../common/api/errors.ts';
import type {
  DemoValueChange,
  MakeYoursChoices,
  MakeYoursPlan,
  MakeYoursReport,
} from '../../common/model/make-yours.ts';
import { recipientLabel } from '../../common/model/secrets.ts';
import type { SecretRecipient } from '../../common/model/secrets.ts';
import { MakeYours } from '../secrets/make-yours.ts';
import type { Command } from './command.ts';

function usageError(message: string): ApiError {
  return new ApiError({ code: 'INVALID_ARGUMENTS', message, hint: `Usage: ${makeYoursCommand.usage}` });
}

/** `HOST=FILE` pairs: each host's real SSH host key, read from the file (as `ssh-keyscan` or /etc/ssh give it). */
function hostKeys(pairs: readonly string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1 || at === pair.length - 1) throw usageError(`--host-key takes HOST=FILE, not "${pair}".`);
    const [host, file] = [pair.slice(0, at), pair.slice(at + 1)];
    try {
      keys[host] = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `Cannot read the host key of ${host} from ${file}: ${(error as Error).message}`,
      });
    }
  }
  return keys;
}

/** The public key lines of each file given with --login-key (an id_ed25519.pub, or several keys a line each). */
function loginKeys(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    try {
      return readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
    } catch (error) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `Cannot read the login key ${file}: ${(error as Error).message}`,
      });
    }
  });
}

/** The new password from --password-file: the file's first line (`-` reads standard input). */
function newPassword(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8').split('\n')[0];
  } catch (error) {
    throw new ApiError({
      code: 'INVALID_ARGUMENTS',
      message: `Cannot read the new password from ${file}: ${(error as Error).message}`,
    });
  }
}

const names = (recipients: readonly SecretRecipient[]) => recipients.map(recipientLabel).join(', ') || 'nobody';

function describePlan(plan: MakeYoursPlan): string {
  const lines = [`Your key: ${plan.you.label} ${plan.you.publicKey}`, '', `${plan.sopsConfig}:`];
  for (const change of plan.configLines) {
    lines.push(`  line ${change.line}`, `    now:   ${change.before.trim()}`, `    after: ${change.after.trim()}`);
  }
  if (plan.configLines.length === 0) lines.push('  unchanged');
  lines.push('', 'Host keys:');
  for (const host of plan.hosts) {
    const what = host.writes
      ? `${host.file} gets the key given`
      : host.demo
        ? 'keeps its published demo key'
        : `keeps the key in ${host.file}`;
    lines.push(`  ${host.host}: ${what}`);
  }
  lines.push('', 'Logins:');
  for (const file of plan.login.keyFiles) {
    const what = file.writes ? 'the published demo login key is replaced by yours' : 'keeps a published demo login key';
    lines.push(`  ${file.file}:${file.lines.join(',')}: ${what}`);
  }
  for (const hash of plan.login.passwordHashes) {
    const what = hash.writes ? 'gets the hash of your new password' : hash.demo ? 'keeps the demo password' : 'kept';
    lines.push(`  ${hash.file} ${hash.key}: ${what}`);
  }
  if (plan.login.keyFiles.length + plan.login.passwordHashes.length === 0) lines.push('  no demo login found');
  lines.push('', 'Published demo values:');
  for (const value of plan.values) lines.push(`  ${value.file} ${value.key}: ${describeValue(value)}`);
  if (plan.values.length === 0) lines.push('  none found');
  lines.push('', 'Secret files (a new data key each, encrypted to):');
  for (const file of plan.files) {
    const opens =
      file.opensWith === 'demo' ? ', opened with the demo admin key' : file.opensWith ? '' : ', nothing opens it';
    lines.push(`  ${file.file}: ${names(file.to)}${opens}`);
  }
  for (const [title, items] of [
    ['Warnings', plan.warnings],
    ['Blockers', plan.blockers],
  ] as const) {
    if (items.length) lines.push('', `${title}:`, ...items.map((item) => `  - ${item}`));
  }
  return `${lines.join('\n')}\n`;
}

function describeValue(value: DemoValueChange): string {
  return value.action === 'fill-in'
    ? 'a placeholder, fill it in'
    : value.publicKey
      ? 'a new SSH key'
      : 'a new random value';
}

/** What the user must still do by hand: the placeholders to fill in, and where to authorize each new SSH key. */
function toDo(values: readonly DemoValueChange[]): string[] {
  const lines: string[] = [];
  const fillIn = values.filter((v) => v.action === 'fill-in');
  if (fillIn.length) {
    lines.push("To fill in before the first deploy (the app's Secrets editor, or sops FILE):");
    for (const v of fillIn) lines.push(`  ${v.file} ${v.key}`);
  }
  const keys = values.filter((v) => v.publicKey);
  if (keys.length) {
    lines.push('New SSH keys: authorize each public half where it logs in:');
    for (const v of keys) lines.push(`  ${v.file} ${v.key}: ${v.publicKey}`);
  }
  return lines;
}

function describeReport(report: MakeYoursReport): string {
  const lines = [`Written: ${report.written.join(', ')}`];
  for (const file of report.files) {
    const yours = file.opensWithYourKey ? 'opens with your key' : 'DOES NOT open with your key';
    const demo =
      file.demoKeyLockedOut === undefined
        ? ''
        : file.demoKeyLockedOut
          ? '; the demo key no longer opens it'
          : '; the demo key still opens it';
    lines.push(`  ${file.file}: ${yours}${demo}`);
  }
  lines.push(...toDo(report.values));
  if (report.keptDemoKey) lines.push(`The demo admin key is in the keychain as "${report.keptDemoKey.label}".`);
  return `${lines.join('\n')}\n`;
}

export const makeYoursCommand: Command = {
  usage: [
    'flakedeck make-yours --key LABEL [--host-key HOST=FILE]... [--login-key FILE]... [--password-file FILE|-]',
    '       [--use-demo-key] [--keep-demo-key] [--flake PATH] [--yes]',
    '',
    'LABEL is an age key in the OS keychain (`flakedeck keys generate --label LABEL` makes one).',
    "HOST=FILE gives a host's real SSH host key (`ssh-keyscan -t ed25519 HOST > FILE`); other hosts keep theirs.",
    '--login-key FILE: your SSH public key (~/.ssh/id_ed25519.pub); it replaces the published demo login key.',
    '--password-file FILE: your new login password on its first line (- reads it from standard input); its',
    'SHA-512 crypt hash replaces the demo password hash in the secret files.',
    '--use-demo-key opens the files with the published demo admin key for this run only (--keep-demo-key also',
    'puts it into the keychain). Without --yes the plan is printed and nothing is written.',
  ].join('\n'),
  options: {
    key: { type: 'string' },
    'host-key': { type: 'string', multiple: true },
    'login-key': { type: 'string', multiple: true },
    'password-file': { type: 'string' },
    'use-demo-key': { type: 'boolean' },
    'keep-demo-key': { type: 'boolean' },
    flake: { type: 'string' },
    yes: { type: 'boolean' },
  },
  async run(ctx, { values, positionals }) {
    if (positionals.length) throw usageError(`Unexpected "${positionals[0]}".`);
    const label = values.key;
    if (typeof label !== 'string') throw usageError('Name your key with --key LABEL.');
    const given = hostKeys((values['host-key'] as string[] | undefined) ?? []);
    const logins = loginKeys((values['login-key'] as string[] | undefined) ?? []);
    const password = newPassword(values['password-file'] as string | undefined);
    const choices: MakeYoursChoices = {
      identity: label,
      useDemoKey: values['use-demo-key'] === true,
      ...(Object.keys(given).length && { hostKeys: given }),
      ...(logins.length && { loginKeys: logins }),
      ...(password !== undefined && { password }),
    };
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const makeYours = new MakeYours(() => folder, await ctx.keys());
    const plan = await makeYours.plan(choices);
    ctx.io.out(describePlan(plan));
    if (plan.blockers.length) {
      ctx.io.err('flakedeck: nothing was written: the plan has blockers (above).\n');
      return 1;
    }
    if (values.yes !== true) {
      ctx.io.err('Nothing was written. Run again with --yes to write this plan.\n');
      return 0;
    }
    const report = await makeYours.apply(choices, plan.fingerprint, values['keep-demo-key'] === true);
    ctx.io.out(describeReport(report));
    return report.files.every((file) => file.opensWithYourKey) ? 0 : 1;
  },
};
