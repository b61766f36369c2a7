// The shape of a benchmark: measured figures, each compared with its target, printed by bench/run.ts.

export interface Figure {
  /** What was measured, e.g. "warm open vs cold evaluation". */
  name: string;
  /** The measured value, e.g. a ratio or a time in milliseconds. */
  value: number;
  unit: 'x' | 'ms' | '%' | 'MiB/s';
  /** The figure the issue asks for, with its direction. */
  target: { atLeast: number } | { atMost: number };
  /** Raw numbers behind the figure, for the report. */
  detail?: string;
}

export interface Benchmark {
  name: string;
  run(): Promise<Figure[]>;
}

export function meets(figure: Figure): boolean {
  return 'atLeast' in figure.target ? figure.value >= figure.target.atLeast : figure.value <= figure.target.atMost;
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** How long one run of `work` takes, in milliseconds. */
export async function timedMs(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** The median of repeated timings, in milliseconds. */
export async function medianMs(runs: number, work: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timedMs(work));
  return median(times);
}

export interface PairedRatio {
  /** The median of the pairs' ratios, subject / baseline. */
  ratio: number;
  subjectMs: number;
  baselineMs: number;
}

/**
 * Runs `subject` and `baseline` in pairs, back to back in alternating order, so both sides of a pair see the same
 * load on the machine; each returns its own measure (a time, a throughput).
 */
export async function alternatingPairs<T>(
  pairs: number,
  subject: () => Promise<T>,
  baseline: () => Promise<T>,
): Promise<{ subject: T; baseline: T }[]> {
  const measured: { subject: T; baseline: T }[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) measured.push({ subject: await subject(), baseline: await baseline() });
    else {
      const base = await baseline();
      measured.push({ subject: await subject(), baseline: base });
    }
  }
  return measured;
}

/**
 * Times `subject` against `baseline` in alternating pairs; the figure is the median of the pairs' ratios, which one
 * busy moment cannot decide.
 */
export async function pairedRatio(
  pairs: number,
  subject: () => Promise<unknown> | unknown,
  baseline: () => Promise<unknown> | unknown,
  before: () => Promise<unknown> | unknown = () => undefined,
): Promise<PairedRatio> {
  const timed = (work: () => Promise<unknown> | unknown) => async () => {
    await before();
    return timedMs(work);
  };
  const measured = await alternatingPairs(pairs, timed(subject), timed(baseline));
  return {
    ratio: median(measured.map((p) => p.subject / p.baseline)),
    subjectMs: median(measured.map((p) => p.subject)),
    baselineMs: median(measured.map((p) => p.baseline)),
  };
}
