// The Deploy page's runs: an answer that trails the progress events about the same runs does not put older state back.

import { describe, expect, it } from 'vitest';
import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { LiveRun } from '../../../common/model/runs.ts';
import { DeployState } from './deploy-state.svelte.ts';

/** Just what the page uses of the API here: run events, the session's runs, and starting a deploy. */
function fakeApi() {
  const listeners = new Map<string, ((run: LiveRun) => void)[]>();
  const answers: ((value: unknown) => void)[] = [];
  const cleared: number[][] = [];
  const later = () => new Promise((resolve) => answers.push(resolve));
  const api = {
    events: {
      on: (channel: string, listener: (run: LiveRun) => void) => {
        listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
        return () => {};
      },
    },
    deploy: { status: later, start: later, clear: (params: { runIds: number[] }) => cleared.push(params.runIds) },
  };
  return {
    cleared,
    api: api as unknown as FlakedeckApi,
    emit: (channel: string, run: LiveRun) => listeners.get(channel)?.forEach((listener) => listener(run)),
    /** Answers the calls in the order they were made. */
    answer: (value: unknown) => answers.shift()!(value),
  };
}

const run = (id: number, steps: string[], endedAt: number | null = null, batch = 'one') =>
  ({
    id,
    batch,
    host: 'web',
    kind: 'deploy',
    status: endedAt === null ? 'running' : 'succeeded',
    endedAt,
    steps: steps.map((name) => ({ name, status: 'running' })),
  }) as unknown as LiveRun;

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('DeployState', () => {
  it("keeps what the events said of a run when the start call's answer comes after them", async () => {
    const { api, emit, answer } = fakeApi();
    const state = new DeployState(api);
    state.follow();
    const started = state.deploy();
    emit('run.progress', run(7, ['build', 'diff']));
    answer([]); // the session's runs, from before
    answer({ runs: [run(7, [])] });
    await started;
    expect(state.runs.map((r) => [r.id, r.steps.length])).toEqual([[7, 2]]);
  });

  it('adds the runs it did not know from an answer, newest first, and an ended run stays ended', async () => {
    const { api, emit, answer } = fakeApi();
    const state = new DeployState(api);
    state.follow();
    emit('run.finished', run(9, ['build'], 1_000));
    answer([run(8, ['build']), run(9, ['build'])]);
    await flush();
    expect(state.runs.map((r) => [r.id, r.endedAt])).toEqual([
      [9, 1_000],
      [8, null],
    ]);
    emit('run.progress', run(9, ['build']));
    expect(state.runs[0]!.endedAt).toBe(1_000);
  });

  it('groups runs by batch and clears the ended ones from the page, of one batch or all, leaving runs going on', async () => {
    const { api, emit, answer, cleared } = fakeApi();
    const state = new DeployState(api);
    state.follow();
    answer([run(1, ['build'], 1_000, 'a'), run(2, ['build'], 2_000, 'b'), run(3, ['build'], null, 'b')]);
    await flush();
    emit('run.finished', run(4, ['build'], 3_000, 'c'));
    expect(state.batches.map((b) => [b.batch, b.runs.map((r) => r.id), b.finished])).toEqual([
      ['c', [4], true],
      ['b', [2, 3], false],
      ['a', [1], true],
    ]);
    await state.clearFinished(state.batches[2]);
    expect(cleared).toEqual([[1]]);
    expect(state.batches.map((b) => b.batch)).toEqual(['c', 'b']);
    await state.clearFinished();
    expect(cleared).toEqual([[1], [4, 2]]);
    expect(state.runs.map((r) => r.id)).toEqual([3]);
  });
});
