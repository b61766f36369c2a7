// Which tabs of a strip that scrolls sideways are out of sight, wholly or in part: those the overflow menu counts.

import type { SessionStatus } from './tab-groups.ts';

/** A tab as the overflow menu lists it. */
export interface OverflowItem {
  key: string;
  label: string;
  status: SessionStatus;
  /** The tab's tooltip: its name and status in words. */
  title: string;
  active: boolean;
  /** Out of sight in the strip now. */
  hidden: boolean;
}

export interface Span {
  left: number;
  right: number;
}

/** The indexes of the items not wholly inside the view (a pixel of rounding is forgiven). */
export function outOfView(view: Span, items: readonly Span[]): number[] {
  return items.flatMap((item, i) => (item.left < view.left - 1 || item.right > view.right + 1 ? [i] : []));
}
