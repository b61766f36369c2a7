// Places in a text that open in an editor: absolute paths with a line, not store paths.

import { describe, expect, it } from 'vitest';
import { sourceParts } from './source-links.ts';

describe('source links', () => {
  it('finds file:line:column in a run message, and leaves the rest as text', () => {
    expect(
      sourceParts(
        'does not evaluate: oops (at /home/me/flake/hosts.nix:3:48). Fix it at /home/me/flake/hosts.nix:3:48 and build.',
      ),
    ).toEqual([
      { text: 'does not evaluate: oops (at ' },
      { text: '/home/me/flake/hosts.nix:3:48', location: { file: '/home/me/flake/hosts.nix', line: 3, column: 48 } },
      { text: '). Fix it at ' },
      { text: '/home/me/flake/hosts.nix:3:48', location: { file: '/home/me/flake/hosts.nix', line: 3, column: 48 } },
      { text: ' and build.' },
    ]);
  });

  it('takes a line without a column, and ignores store paths and paths without a line', () => {
    expect(sourceParts('at /srv/flake/a.nix:12: x')).toEqual([
      { text: 'at ' },
      { text: '/srv/flake/a.nix:12', location: { file: '/srv/flake/a.nix', line: 12 } },
      { text: ': x' },
    ]);
    const store = 'at /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-source/a.nix:1:2 and /etc/hosts';
    expect(sourceParts(store)).toEqual([{ text: store }]);
  });
});
