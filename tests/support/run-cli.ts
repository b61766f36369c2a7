// The `flakedeck` command line run in the test's own process: faster than a node process per call, same code path
// from argument parsing to output. `env` is set for the one run; `config` overrides services settings (a keychain).

import { runCli } from '../../main/cli.ts';
import type { ServiceConfig } from '../../main/services.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliInProcess(
  args: string[],
  env: Record<string, string> = {},
  config: Partial<ServiceConfig> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) }, config);
    return { code, stdout, stderr };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
