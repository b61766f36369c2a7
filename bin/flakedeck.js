#!/usr/bin/env node
// Entry of the `flakedeck` command: in a checkout the TypeScript sources (Node 22.18+ strips their types), installed
// (npm, Nix) the bundle that `npm run build` makes in .vite/cli, as Node runs no TypeScript from node_modules.

import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`flakedeck needs Node.js 22.18 or newer; this is ${process.version}.\n`);
  process.exit(1);
}
const sources = new URL('../main/cli.ts', import.meta.url);
const { runCli, processOutput, processStopSignals } = await import(
  existsSync(sources) ? sources : new URL('../.vite/cli/cli.js', import.meta.url)
);
process.exitCode = await runCli(process.argv.slice(2), processOutput, {}, processStopSignals);
