#!/usr/bin/env node
// Entry of the `flakedeck` command: runs the TypeScript CLI directly, as Node 22.18+ strips types itself.

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`flakedeck needs Node.js 22.18 or newer; this is ${process.version}.\n`);
  process.exit(1);
}
const { runCli, processStopSignals } = await import('../main/cli.ts');
const io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
process.exitCode = await runCli(process.argv.slice(2), io, {}, processStopSignals);
