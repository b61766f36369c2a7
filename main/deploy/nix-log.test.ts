// Reading nix's internal-json log of real builds: counts, running derivations and machines, failures, prompts.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildProgress } from '../../common/model/runs.ts';
import { makeFlakeRepo, repoRoot } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';
import { stripAnsi } from '../flake/nix-errors.ts';
import { LineSplitter, NixLogParser, storeName } from './nix-log.ts';

const repos: FlakeRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

/** A real `nix build --log-format internal-json` of fixture hosts: its stderr, stdout and exit code. */
function build(hosts: string, attrs: string[], repo = makeFlakeRepo('deploy')) {
  repos.push(repo);
  repo.write('hosts.nix', hosts);
  const installables = attrs.map((h) => `${repo.path}#nixosConfigurations.${h}.config.system.build.toplevel`);
  const result = spawnSync('nix', ['build', ...installables, '--json', '--no-link', '--log-format', 'internal-json'], {
    encoding: 'utf8',
  });
  return { stderr: result.stderr, stdout: result.stdout, code: result.status };
}

function feed(parser: NixLogParser, text: string): string[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => parser.line(line))
    .filter((shown): shown is string => shown !== null)
    .flatMap((shown) => stripAnsi(shown).split('\r\n'));
}

const unique = `${process.pid}-${Date.now()}`;

describe('nix internal-json log', () => {
  it('counts the builds of two hosts, shows each derivation being built and its log, and reads the out paths', () => {
    const { stderr, stdout, code } = build(
      `{ a = { buildSeconds = 1; generation = "${unique}"; packages = { tool = "${unique}"; }; };
         b = { generation = "${unique}"; packages = { tool = "${unique}"; }; }; }`,
      ['a', 'b'],
    );
    expect(code).toBe(0);
    const parser = new NixLogParser();
    const shown = feed(parser, `${stderr}\n${stdout}`);
    const progress = parser.progress();
    // The tool and the system path the hosts share, and each host's etc and toplevel.
    expect(progress.builds).toEqual({ done: 6, expected: 6, running: 0, failed: 0 });
    expect(progress.running).toEqual([]);
    expect(shown).toContain(`building tool-${unique}`);
    expect(shown).toContain('building nixos-system-a-24.05.fixture');
    expect(shown).toContain('nixos-system-a-24.05.fixture> step 0 of 1');
    expect(shown.filter((l) => l.startsWith('finished '))).toHaveLength(6);
    expect(parser.outPaths()).toEqual([
      expect.stringMatching(/-nixos-system-a-24\.05\.fixture$/),
      expect.stringMatching(/-nixos-system-b-24\.05\.fixture$/),
    ]);
    expect(shown.filter((l) => l.startsWith('→ /nix/store/'))).toHaveLength(2);
    expect(shown.some((l) => l.includes('@nix'))).toBe(false);
  });

  it('names the failing derivation with its last log lines', () => {
    const { stderr, code } = build(`{ a = { buildFails = true; generation = "${unique}"; }; }`, ['a']);
    expect(code).toBe(1);
    const parser = new NixLogParser();
    const shown = feed(parser, stderr);
    expect(parser.progress().failures).toEqual([
      {
        name: 'nixos-system-a-24.05.fixture',
        drvPath: expect.stringMatching(/^\/nix\/store\/[0-9a-z]{32}-nixos-system-a-24\.05\.fixture\.drv$/),
        lastLines: [
          'building the system of a',
          'compiling the configuration',
          "error: option 'services.nope' does not exist",
        ],
      },
    ]);
    const failure = shown.indexOf('✘ nixos-system-a-24.05.fixture failed; its last log lines:');
    expect(failure).toBeGreaterThan(0);
    expect(shown.slice(failure + 1, failure + 4)).toEqual([
      '  │ building the system of a',
      '  │ compiling the configuration',
      "  │ error: option 'services.nope' does not exist",
    ]);
    expect(parser.errors().join('\n')).toMatch(
      /builder for '.*-nixos-system-a-24\.05\.fixture\.drv' failed with exit code 1/,
    );
  });

  it("maps an evaluation error to the user's file and line, and draws its code frame line by line", () => {
    const repo = makeFlakeRepo('deploy');
    const { stderr, code } = build(
      `{\n  web = {\n    packages = { ripgrep = "14.1.0"; git = 2 + "x"; };\n  };\n}\n`,
      ['web'],
      repo,
    );
    expect(code).toBe(1);
    const parser = new NixLogParser({ sourceRoot: repo.path });
    const splitter = new LineSplitter((line) => parser.line(line));
    const drawn = splitter.write(`${stderr}\n`) + splitter.end();
    // Every line end goes back to the first column: no staircase in a terminal.
    expect(drawn).not.toMatch(/[^\r]\n/);
    const lines = stripAnsi(drawn).split('\r\n');
    expect(lines).toContain(`       at ${repo.path}/hosts.nix:3:48:`);
    expect(lines).toContain('            3|     packages = { ripgrep = "14.1.0"; git = 2 + "x"; };');
    expect(drawn).not.toContain('-source/hosts.nix');
    const failure = parser.failure();
    expect(failure?.message).toBe('cannot add a string to an integer');
    expect(failure?.location).toEqual({ file: `${repo.path}/hosts.nix`, line: 3, column: 48 });
  });

  it('says which machine builds what, running builds and their phase, as the activities name them', () => {
    const parser = new NixLogParser();
    const lines = [
      '@nix {"action":"start","id":1,"level":0,"text":"","type":104}',
      '@nix {"action":"start","fields":["/nix/store/00000000000000000000000000000000-big-1.0.drv","ssh://builder.lan",1,1],"id":2,"level":3,"text":"building","type":105}',
      '@nix {"action":"start","fields":["/nix/store/11111111111111111111111111111111-small-2.0.drv","",1,1],"id":3,"level":3,"text":"building","type":105}',
      '@nix {"action":"result","fields":[0,2,2,0],"id":1,"type":105}',
      '@nix {"action":"result","fields":["buildPhase"],"id":2,"type":104}',
    ];
    const shown = lines.map((l) => parser.line(l)).map((s) => (s === null ? null : stripAnsi(s)));
    expect(shown).toEqual([
      null,
      'building big-1.0 on ssh://builder.lan',
      'building small-2.0',
      null,
      'big-1.0: buildPhase',
    ]);
    expect(parser.progress()).toMatchObject({
      builds: { done: 0, expected: 2, running: 2, failed: 0 },
      running: [
        { name: 'big-1.0', machine: 'ssh://builder.lan', phase: 'buildPhase' },
        { name: 'small-2.0', machine: '', phase: null },
      ],
    });
  });

  it("holds back the activation script's markers and nix's JSON cut between reads, and gives a line that went out in part to the reader whole", () => {
    const seen: string[] = [];
    const splitter = new LineSplitter((line) => (seen.push(line), line.startsWith('@flakedeck ') ? null : line));
    expect(splitter.write('@flakedeck prev')).toBe('');
    expect(splitter.write('ious 3 /nix/store/a\r\n[')).toBe('');
    expect(splitter.write('{"path":"/nix/store/a"}]\r\nsudo: 3 incorrect')).toBe(
      '[{"path":"/nix/store/a"}]\r\nsudo: 3 incorrect',
    );
    expect(splitter.write(' password attempts\r\n')).toBe(' password attempts\r\n');
    expect(splitter.write('Sorry')).toBe('Sorry');
    expect(splitter.end()).toBe('');
    expect(seen).toEqual([
      '@flakedeck previous 3 /nix/store/a',
      '[{"path":"/nix/store/a"}]',
      'sudo: 3 incorrect password attempts',
      'Sorry',
    ]);
  });

  it('shows a prompt without a line end at once, and holds back only what may become a log line', () => {
    const seen: string[] = [];
    const splitter = new LineSplitter((line) => (seen.push(line), line.includes('@nix') ? null : `[${line}]`));
    expect(splitter.write('[sudo] password for alice: ')).toBe('[sudo] password for alice: ');
    expect(splitter.write('\r\n')).toBe('\r\n');
    expect(splitter.write('@ni')).toBe('');
    expect(splitter.write('x {"action":"stop","id":1}\r\nplain\r\n')).toBe('[plain]\r\n');
    expect(splitter.write('\x1b[0m\x1b[K@nix {"act')).toBe('');
    expect(splitter.end()).toBe('');
    // The prompt reached the reader too once its line ended, for what the reader records (a failure's last line).
    expect(seen).toEqual([
      '[sudo] password for alice: ',
      '@nix {"action":"stop","id":1}',
      'plain',
      '\x1b[0m\x1b[K@nix {"act',
    ]);
    expect(storeName('/nix/store/00000000000000000000000000000000-git-2.45.1.drv')).toBe('git-2.45.1');
  });
});

/** A log recorded with this repository's nix: `nix build -j 4` of two deploy-fixture hosts, or a substitution. */
function recorded(name: string): string[] {
  return readFileSync(join(repoRoot, 'tests', 'fixtures', 'nix-logs', name), 'utf8')
    .split('\n')
    .filter(Boolean);
}

describe('build progress as nix-output-monitor shows it', () => {
  it('follows several derivations building at once, each with its last log line, and what is queued', () => {
    const parser = new NixLogParser();
    let busiest: BuildProgress | null = null;
    const lastLines = new Set<string>();
    for (const line of recorded('parallel-build.log')) {
      parser.line(line);
      const progress = parser.progress();
      if (progress.running.length > (busiest?.running.length ?? 0)) busiest = progress;
      for (const build of progress.running) if (build.lastLine) lastLines.add(`${build.name}> ${build.lastLine}`);
      // Queued is what is neither done nor building: never negative, never more than is left.
      const { done, expected } = progress.builds;
      expect(progress.queued).toBeGreaterThanOrEqual(0);
      expect(progress.queued).toBeLessThanOrEqual(Math.max(0, expected - done - progress.running.length));
    }
    expect(busiest!.running.map((b) => b.name)).toEqual(['etc-a', 'etc-b', expect.any(String), expect.any(String)]);
    expect(busiest!.queued).toBe(6);
    expect(busiest!.running.every((b) => b.startedAt > 0)).toBe(true);
    expect(lastLines).toContain('nixos-system-a-24.05.fixture> step 1 of 2');
    expect(lastLines).toContain('nixos-system-b-24.05.fixture> step 0 of 1');
    expect(parser.progress()).toMatchObject({ builds: { done: 10, expected: 10 }, queued: 0, running: [] });
  });

  it('counts downloads from a cache in paths and bytes', () => {
    const parser = new NixLogParser();
    const partway: BuildProgress[] = [];
    for (const line of recorded('substitute.log')) {
      parser.line(line);
      const progress = parser.progress();
      if (progress.bytes.done > 0 && progress.bytes.done < progress.bytes.expected) partway.push(progress);
    }
    expect(partway.length).toBeGreaterThan(10);
    // The bytes only grow, towards the 2 MiB of the payload and the small paths around it.
    const done = partway.map((p) => p.bytes.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(partway[0]!.bytes.expected).toBe(2_101_864);
    expect(parser.progress()).toMatchObject({
      copies: { done: 7, expected: 7 },
      bytes: { done: 2_101_864, expected: 2_101_864 },
    });
  });
});
