// The `flakedeck` CLI with services settings from a JSON file (tests: deploys to a loopback target), as a process.
//   node tests/support/cli-with-config.ts CONFIG.json COMMAND ARGS...

import { readFileSync } from 'node:fs';
import { processStopSignals, runCli } from '../../main/cli.ts';

const [config, ...argv] = process.argv.slice(2);
const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
process.exitCode = await runCli(argv, io, JSON.parse(readFileSync(config!, 'utf8')), processStopSignals);
