// The terminal's colours from the app's design tokens, with ANSI palettes readable on the light and the dark surface.

import type { ITheme } from '@xterm/xterm';

type Palette = Required<
  Pick<
    ITheme,
    | 'black'
    | 'red'
    | 'green'
    | 'yellow'
    | 'blue'
    | 'magenta'
    | 'cyan'
    | 'white'
    | 'brightBlack'
    | 'brightRed'
    | 'brightGreen'
    | 'brightYellow'
    | 'brightBlue'
    | 'brightMagenta'
    | 'brightCyan'
    | 'brightWhite'
  >
>;

/** Darker hues on white: nix's yellow warnings and cyan paths stay legible. */
const light: Palette = {
  black: '#1c1f26',
  red: '#b42318',
  green: '#1a7f37',
  yellow: '#8a5d00',
  blue: '#2f52c0',
  magenta: '#8e3ab5',
  cyan: '#0f6f7c',
  white: '#8a919e',
  brightBlack: '#5d6472',
  brightRed: '#d1242f',
  brightGreen: '#2a9147',
  brightYellow: '#9a6700',
  brightBlue: '#3a5ccc',
  brightMagenta: '#a144c8',
  brightCyan: '#13808f',
  brightWhite: '#b9bec8',
};

const dark: Palette = {
  black: '#2f3440',
  red: '#ff8a80',
  green: '#56d364',
  yellow: '#e3b341',
  blue: '#8ea8ff',
  magenta: '#d2a8ff',
  cyan: '#56c8d8',
  white: '#c9ced8',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#7ee787',
  brightYellow: '#f2cc60',
  brightBlue: '#a5b9ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#8ddbe6',
  brightWhite: '#f0f2f6',
};

export const darkScheme = '(prefers-color-scheme: dark)';

/** Reads the tokens of renderer/styles/app.css as they resolve now (they follow the OS setting). */
export function terminalTheme(root: Element = document.documentElement): ITheme {
  const style = getComputedStyle(root);
  const token = (name: string) => style.getPropertyValue(name).trim();
  return {
    ...(matchMedia(darkScheme).matches ? dark : light),
    background: token('--surface'),
    foreground: token('--text'),
    cursor: token('--accent'),
    cursorAccent: token('--surface'),
    selectionBackground: token('--accent-soft'),
  };
}

export function terminalFont(root: Element = document.documentElement): string {
  return getComputedStyle(root).getPropertyValue('--mono').trim() || 'monospace';
}
