// Opening an error's file:line in the user's editor: each editor's way of taking a line, a terminal editor in a real
// pty, and refusals of what is not a plain file.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventHub } from '../events/event-hub.ts';
import { PtyHost } from '../terminal/pty-host.ts';
import { EditorLauncher, editorCommand } from './editor.ts';

const dir = mkdtempSync(join(tmpdir(), 'flakedeck-editor-'));
const file = join(dir, 'hosts.nix');
writeFileSync(file, '{\n  web = 2 + "x";\n}\n');
const host = new PtyHost(new EventHub());
afterAll(() => {
  host.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('editor', () => {
  it('gives each editor the line and column its own way, and splits $EDITOR into words without a shell', () => {
    const at = { file, line: 2, column: 9 };
    expect(editorCommand(at, { VISUAL: 'code', EDITOR: 'vim' })).toEqual({
      file: 'code',
      args: ['--goto', `${file}:2:9`],
      inTerminal: false,
    });
    expect(editorCommand(at, { EDITOR: '/usr/bin/nvim' })).toEqual({
      file: '/usr/bin/nvim',
      args: ['+call cursor(2, 9)', file],
      inTerminal: true,
    });
    expect(editorCommand(at, { EDITOR: 'emacs -nw' })).toEqual({
      file: 'emacs',
      args: ['-nw', '+2:9', file],
      inTerminal: true,
    });
    expect(editorCommand(at, { EDITOR: 'emacs' })?.inTerminal).toBe(false);
    expect(editorCommand({ file, line: 2 }, { EDITOR: 'nano' })?.args).toEqual(['+2,1', file]);
    expect(editorCommand(at, { EDITOR: 'ed' })).toEqual({ file: 'ed', args: [file], inTerminal: true });
    expect(editorCommand(at, {})).toBeNull();
  });

  it('runs a terminal editor in a terminal tab of the app', async () => {
    const launcher = new EditorLauncher(host, undefined, { EDITOR: 'cat' });
    const { terminalId } = await launcher.open({ file, line: 2 });
    expect(terminalId).not.toBeNull();
    await expect(host.exited(terminalId!)).resolves.toMatchObject({ exitCode: 0 });
    expect(host.list().find((t) => t.id === terminalId)?.title).toBe('cat · hosts.nix:2');
  });

  it('hands the file to the default application without an editor, and refuses what is not a text file', async () => {
    const opened: string[] = [];
    const launcher = new EditorLauncher(host, async (f) => void opened.push(f), {});
    await expect(launcher.open({ file, line: 2 })).resolves.toEqual({ terminalId: null });
    expect(opened).toEqual([file]);

    const program = join(dir, 'run.sh');
    writeFileSync(program, '#!/bin/sh\n');
    chmodSync(program, 0o755);
    await expect(launcher.open({ file: program, line: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    await expect(launcher.open({ file: dir, line: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(launcher.open({ file: 'hosts.nix', line: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(opened).toEqual([file]);
    await expect(new EditorLauncher(host, undefined, {}).open({ file, line: 2 })).rejects.toThrow(
      /No editor is set to open .*hosts\.nix:2\./,
    );
  });
});
