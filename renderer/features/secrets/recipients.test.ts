// The recipients matrix: who is named how, and who can read which file.

import { describe, expect, it } from 'vitest';
import { recipientLabel, shortKey } from '../../../common/model/secrets.ts';
import { buildMatrix } from './recipients.ts';
import type { SecretFileSummary } from '../../../common/model/secrets.ts';

const admin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';
const vps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';
const laptop = 'age1vl6mgk472t2dardalqp8dj70mw7zv9tvjzealmh58vws3vk5gcjq6lgcwl';
const stranger = 'age1k9t5ffyd2n3uxdes4lzhxx7pzjph6tzfcahau79z8ulw8ukqn44s80sfhp';

function file(name: string, recipients: { recipient: string; name?: string }[], problem?: string): SecretFileSummary {
  return {
    file: `secrets/${name}`,
    format: 'yaml',
    recipients: recipients.map((r) => ({ ...r, group: 0 })),
    differs: false,
    ...(problem && { problem }),
  };
}

describe('the recipients matrix', () => {
  it('names recipients by anchor or host, else by a shortened key', () => {
    expect(recipientLabel({ recipient: admin, name: 'admin' })).toBe('admin');
    expect(recipientLabel({ recipient: vps, name: 'host:vps' })).toBe('vps');
    expect(recipientLabel({ recipient: stranger })).toBe('age1k9t5ff…80sfhp');
    expect(shortKey('age1short')).toBe('age1short');
  });

  it('puts people first, then every host, by every readable file, with what each host reads from it', () => {
    const matrix = buildMatrix(
      [
        file('common.yaml', [{ recipient: admin, name: 'admin' }, { recipient: vps, name: 'vps' }, { recipient: stranger }]),
        file('vps.yaml', [{ recipient: admin, name: 'admin' }, { recipient: vps, name: 'vps' }]),
        file('broken.yaml', [], 'cannot be read'),
      ],
      [
        { host: 'laptop', fromFile: laptop, differs: false },
        { host: 'vps', fromFile: vps, differs: false },
        { host: 'new', differs: false },
      ],
      [
        { host: 'laptop', file: 'secrets/vps.yaml', secrets: ['backup'] },
        { host: 'vps', file: 'secrets/vps.yaml', secrets: ['restic/password'] },
      ],
    );
    expect(matrix.files).toEqual(['secrets/common.yaml', 'secrets/vps.yaml']);
    expect(matrix.rows.map((r) => [r.name, r.kind, r.cells.map((c) => c.reads)])).toEqual([
      ['admin', 'person', [true, true]],
      ['age1k9t5ff…80sfhp', 'person', [true, false]],
      ['laptop', 'host', [false, false]],
      ['vps', 'host', [true, true]],
      ['new', 'host', [false, false]],
    ]);
    expect(matrix.rows[2]!.cells[1]).toEqual({ file: 'secrets/vps.yaml', reads: false, uses: ['backup'] });
  });
});
