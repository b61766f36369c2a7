import { describe, expect, it } from 'vitest';
import { outOfView } from './tab-overflow.ts';

describe('out of view', () => {
  const tabs = [0, 100, 200, 300, 400].map((left) => ({ left, right: left + 95 }));

  it('counts the tabs cut off on either side, and none when all fit', () => {
    expect(outOfView({ left: 0, right: 500 }, tabs)).toEqual([]);
    expect(outOfView({ left: 0, right: 250 }, tabs)).toEqual([2, 3, 4]);
    expect(outOfView({ left: 150, right: 400 }, tabs)).toEqual([0, 1, 4]);
  });

  it('forgives a pixel of rounding at the edges', () => {
    expect(outOfView({ left: 0.6, right: 494.5 }, tabs)).toEqual([]);
  });
});
