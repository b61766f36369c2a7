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

/** The median of repeated timings, in milliseconds. */
export async function medianMs(runs: number, work: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
