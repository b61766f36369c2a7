// Reads nix's `--log-format internal-json` stream into progress (builds and copies done and expected, what runs
// where, phases, failures with their last log lines) and into readable terminal lines, as nix-output-monitor does.

import type { ApiError } from '../../common/api/errors.ts';
import type { BuildFailure, BuildProgress, Counts, RunningBuild } from '../../common/model/runs.ts';
import { localizePaths, nixFailure, stripAnsi } from '../flake/nix-errors.ts';

// Activity types (nix/src/libutil/logging.hh).
const actCopyPath = 100;
const actCopyPaths = 103;
const actBuilds = 104;
const actBuild = 105;
const actSubstitute = 108;
// Result types.
const resBuildLogLine = 101;
const resSetPhase = 104;
const resProgress = 105;
const resSetExpected = 106;

const tailLines = 25;
const leadingControls = /^(?:\x1b\[[0-9;?]*[A-Za-z]|\r)+/;
const rememberedTails = 64;

interface NixEntry {
  action: 'start' | 'stop' | 'result' | 'msg' | string;
  id?: number;
  type?: number;
  level?: number;
  text?: string;
  msg?: string;
  fields?: unknown[];
}

interface BuildResult {
  drvPath: string;
  outputs: Record<string, string>;
}

interface Build extends RunningBuild {
  lines: string[];
}

interface Copy {
  name: string;
  done: number;
  expected: number;
}

const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const red = (s: string) => `\x1b[31m${s}\x1b[0m`;
const green = (s: string) => `\x1b[32m${s}\x1b[0m`;

/** `/nix/store/<hash>-ripgrep-14.1.0.drv` → `ripgrep-14.1.0`. */
export function storeName(path: string): string {
  return path.replace(/^\/nix\/store\/[0-9a-z]{32}-/, '').replace(/\.drv$/, '');
}

const zero = (): Counts => ({ done: 0, expected: 0, running: 0, failed: 0 });

function sum(list: Iterable<Counts>): Counts {
  const total = zero();
  for (const c of list) {
    total.done += c.done;
    total.expected += c.expected;
    total.running += c.running;
    total.failed += c.failed;
  }
  return total;
}

function maxOf(a: Counts, b: Counts): Counts {
  return {
    done: Math.max(a.done, b.done),
    expected: Math.max(a.expected, b.expected, b.done),
    running: Math.max(a.running, b.running),
    failed: Math.max(a.failed, b.failed),
  };
}

export class NixLogParser {
  /** Latest [done, expected, running, failed] of each aggregate activity, by its type. */
  readonly #aggregates = new Map<number, { type: number; counts: Counts }>();
  readonly #builds = new Map<number, Build>();
  readonly #copies = new Map<number, Copy>();
  /** Bytes of finished copies, and what nix expects in all (its setExpected for copyPath activities). */
  #bytesDone = 0;
  #bytesExpected = 0;
  /** Copies counted from the single copyPath activities: `nix copy` reports no progress on its aggregate. */
  readonly #ownCopies = zero();
  /** Last lines of finished builds: nix reports a failure after the build's activity stopped. */
  readonly #tails = new Map<string, string[]>();
  readonly #failures: BuildFailure[] = [];
  readonly #errors: string[] = [];
  /** The error entries as nix wrote them, for nixFailure to read their positions. */
  readonly #errorEntries: string[] = [];
  /** The user's copy of the flake: files of its store copy are named as theirs in what is shown. */
  readonly #sourceRoot: string | undefined;
  /** The stdout of `nix build --json`, when it went through the same stream (a pty merges the two). */
  #result: BuildResult[] | null = null;

  constructor(options: { sourceRoot?: string } = {}) {
    this.#sourceRoot = options.sourceRoot;
  }

  /** Reads one line of the stream; returns what to show for it (null for nothing), without a line end. */
  line(raw: string): string | null {
    // On a tty, nix starts its lines by resetting colours and clearing the line.
    const text = raw.replace(leadingControls, '');
    if (!text.startsWith('@nix ')) return this.#plain(text);
    let entry: NixEntry;
    try {
      entry = JSON.parse(text.slice(5)) as NixEntry;
    } catch {
      return text; // a builder printed something that only looks like ours
    }
    switch (entry.action) {
      case 'start':
        return this.#start(entry);
      case 'stop':
        return this.#stop(entry);
      case 'result':
        return this.#resultEntry(entry);
      case 'msg':
        if (entry.level === 0) this.#errorEntries.push(text);
        return this.#message(entry);
      default:
        return null;
    }
  }

  progress(): BuildProgress {
    const ofType = (type: number) =>
      sum([...this.#aggregates.values()].filter((a) => a.type === type).map((a) => a.counts));
    const builds = ofType(actBuilds);
    const copying = [...this.#copies.values()];
    const bytesDone = this.#bytesDone + copying.reduce((sum, c) => sum + c.done, 0);
    const bytesKnown = this.#bytesDone + copying.reduce((sum, c) => sum + c.expected, 0);
    const bytesExpected = Math.max(this.#bytesExpected, bytesKnown);
    const copies = maxOf(ofType(actCopyPaths), this.#ownCopies);
    // Small paths finish without reporting their size: once every copy is done, so are the bytes.
    const allCopied = copies.expected > 0 && copies.done >= copies.expected && copying.length === 0;
    return {
      builds,
      queued: Math.max(0, builds.expected - builds.done - this.#builds.size - builds.failed),
      copies,
      bytes: { done: allCopied ? bytesExpected : Math.min(bytesDone, bytesExpected), expected: bytesExpected },
      running: [...this.#builds.values()].map(({ name, drvPath, machine, phase, startedAt, lastLine }) => ({
        name,
        drvPath,
        machine,
        phase,
        startedAt,
        lastLine,
      })),
      failures: this.#failures.map((f) => ({ ...f, lastLines: [...f.lastLines] })),
    };
  }

  /** The error messages nix printed, without colours. */
  errors(): string[] {
    return [...this.#errors];
  }

  /** What nix's errors amount to, at the user's file and line where nix names one; null when it printed none. */
  failure(): ApiError | null {
    return this.#errorEntries.length ? nixFailure(this.#errorEntries.join('\n'), this.#sourceRoot) : null;
  }

  /** Out paths from `nix build --json`, in the order of the installables. */
  outPaths(): string[] {
    return (this.#result ?? []).map((r) => r.outputs.out ?? Object.values(r.outputs)[0] ?? '');
  }

  #plain(text: string): string {
    if (text.startsWith('[{"drvPath":')) {
      try {
        this.#result = JSON.parse(text) as BuildResult[];
        return this.outPaths()
          .map((out) => green(`→ ${out}`))
          .join('\r\n');
      } catch {
        // not the result after all
      }
    }
    return text;
  }

  #start(entry: NixEntry): string | null {
    const id = entry.id ?? 0;
    const fields = entry.fields ?? [];
    switch (entry.type) {
      case actBuilds:
      case actCopyPaths: {
        this.#aggregates.set(id, { type: entry.type, counts: zero() });
        const paths = /^copying (\d+) paths/.exec(entry.text ?? '');
        if (paths) this.#ownCopies.expected += Number(paths[1]);
        return entry.text ? dim(entry.text) : null;
      }
      case actBuild: {
        const drvPath = String(fields[0] ?? '');
        const machine = String(fields[1] ?? '');
        const build: Build = {
          name: storeName(drvPath),
          drvPath,
          machine,
          phase: null,
          startedAt: Date.now(),
          lastLine: null,
          lines: [],
        };
        this.#builds.set(id, build);
        return `${bold('building')} ${build.name}${machine ? ` on ${bold(machine)}` : ''}`;
      }
      case actCopyPath: {
        const [path, , to] = fields.map(String);
        this.#copies.set(id, { name: storeName(path ?? ''), done: 0, expected: 0 });
        this.#ownCopies.running++;
        return `copying ${storeName(path ?? '')}${to ? dim(` to ${to}`) : ''}`;
      }
      case actSubstitute: {
        const [path, from] = fields.map(String);
        return `downloading ${storeName(path ?? '')}${from ? dim(` from ${from}`) : ''}`;
      }
      default:
        return null;
    }
  }

  #stop(entry: NixEntry): string | null {
    const id = entry.id ?? 0;
    const copy = this.#copies.get(id);
    if (copy) {
      this.#copies.delete(id);
      this.#bytesDone += Math.max(copy.done, copy.expected);
      this.#ownCopies.running--;
      this.#ownCopies.done++;
    }
    const build = this.#builds.get(id);
    if (!build) return null;
    this.#builds.delete(id);
    this.#tails.set(build.drvPath, build.lines);
    if (this.#tails.size > rememberedTails) this.#tails.delete(this.#tails.keys().next().value!);
    const seconds = ((Date.now() - build.startedAt) / 1000).toFixed(1);
    return dim(`finished ${build.name} (${seconds} s)`);
  }

  #resultEntry(entry: NixEntry): string | null {
    const id = entry.id ?? 0;
    const fields = entry.fields ?? [];
    switch (entry.type) {
      case resSetExpected: {
        const [type, expected] = fields.map(Number);
        if (type === actCopyPath) this.#bytesExpected = expected ?? 0;
        return null;
      }
      case resProgress: {
        const copy = this.#copies.get(id);
        if (copy) {
          const [done, expected] = fields.map(Number);
          copy.done = done ?? 0;
          copy.expected = expected ?? 0;
          return null;
        }
        const aggregate = this.#aggregates.get(id);
        if (aggregate) {
          const [done, expected, running, failed] = fields.map(Number);
          aggregate.counts = { done: done ?? 0, expected: expected ?? 0, running: running ?? 0, failed: failed ?? 0 };
        }
        return null;
      }
      case resBuildLogLine: {
        const line = stripAnsi(String(fields[0] ?? '')).replace(/\r$/, '');
        const build = this.#builds.get(id);
        if (!build) return line;
        build.lines.push(line);
        if (line.trim()) build.lastLine = line;
        if (build.lines.length > tailLines) build.lines.shift();
        return `${dim(`${build.name}>`)} ${line}`;
      }
      case resSetPhase: {
        const build = this.#builds.get(id);
        if (!build) return null;
        build.phase = String(fields[0] ?? '');
        return dim(`${build.name}: ${build.phase}`);
      }
      default:
        return null;
    }
  }

  #message(entry: NixEntry): string | null {
    const level = entry.level ?? 0;
    if (level > 3) return null;
    const text = localizePaths(entry.msg ?? '', this.#sourceRoot);
    if (level === 0) {
      const plain = stripAnsi(text);
      this.#errors.push(plain);
      const failed = /builder for '([^']+)' failed/.exec(plain);
      if (failed) return this.#failure(failed[1]!, text);
    }
    return text;
  }

  #failure(drvPath: string, message: string): string {
    const lastLines = this.#tails.get(drvPath) ?? [];
    const name = storeName(drvPath);
    this.#failures.push({ name, drvPath, lastLines: [...lastLines] });
    const tail = lastLines.map((l) => `  ${red('│')} ${l}`);
    return [message, red(`✘ ${bold(name)} failed; its last log lines:`), ...tail].join('\r\n');
  }
}

/**
 * Lines the readers parse: nix's internal-json log, the activation script's markers, nix's JSON output. A partial
 * line that may still become one of them is held back until its end; anything else (a password prompt) shows at once.
 */
const machineLinePrefixes = ['@nix ', '@flakedeck ', '[{'];
/** What of a line that went out in part is kept for the reader, at most. */
const passedLineLimit = 4096;

/**
 * A terminal moves down on "\n" without going back to the first column: a shown text of several lines (nix's error
 * with its code frame) would be drawn as a staircase. Each of its line ends becomes "\r\n".
 */
function terminalLines(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

const mayBecomeMachineLine = (start: string) =>
  machineLinePrefixes.some((prefix) => prefix.startsWith(start) || start.startsWith(prefix));

/**
 * Splits a pty's output into lines for a line reader. A line that went out in part (a prompt) is given to the reader
 * too once it ends, for what it records; what the reader returns for it is not shown again.
 */
export class LineSplitter {
  #pending = '';
  /** The current line already went out in part, so the rest of it goes out as it comes. */
  #passing = false;
  /** What went out of it so far (its last `passedLineLimit` characters). */
  #passed = '';

  readonly #read: (line: string) => string | null;

  constructor(read: (line: string) => string | null) {
    this.#read = read;
  }

  write(chunk: string): string {
    const out: string[] = [];
    let text = this.#pending + chunk;
    this.#pending = '';
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n')) {
      const line = text.slice(0, end).replace(/\r$/, '');
      text = text.slice(end + 1);
      if (this.#passing) {
        out.push(`${line}\r\n`);
        this.#endPassed(line);
        continue;
      }
      const shown = this.#read(line);
      if (shown !== null) out.push(`${terminalLines(shown)}\r\n`);
    }
    if (text) {
      if (!this.#passing && mayBecomeMachineLine(text.replace(leadingControls, ''))) this.#pending = text;
      else {
        out.push(text);
        this.#passing = true;
        this.#passed = (this.#passed + text).slice(-passedLineLimit);
      }
    }
    return out.join('');
  }

  end(): string {
    const rest = this.#pending;
    this.#pending = '';
    if (this.#passing) this.#endPassed('');
    if (!rest) return '';
    const shown = this.#read(rest.replace(/\r$/, ''));
    return shown === null ? '' : `${terminalLines(shown)}\r\n`;
  }

  #endPassed(rest: string): void {
    const line = (this.#passed + rest).replace(/\r$/, '');
    this.#passing = false;
    this.#passed = '';
    this.#read(line);
  }
}
