// YAML read and written as sops does it (yaml.v3): comments, scalars, quoting, blocks, floats, aliases.

import { describe, expect, it } from 'vitest';
import { readYaml } from './yaml-read.ts';
import { writeYaml } from './yaml-write.ts';
import { Branch, Comment, Timestamp } from '../tree.ts';
import { formatFloatF, formatFloatYaml } from '../go-format.ts';

const roundTrip = (text: string) => writeYaml(readYaml(new TextEncoder().encode(text)));

describe('YAML as sops reads and writes it (yaml.v3)', () => {
  it("places comments as sops does: head, inline and foot comments, blank lines dropped", () => {
    const input = [
      '# head of file',
      '',
      '# second head block',
      'a: 1 # line a',
      '# between a and b',
      'b:',
      '    # head of c',
      '    c: x # line c',
      '    # foot of c (indented)',
      '# foot at top level',
      'd: [1, 2]',
      '',
    ].join('\n');
    const [doc] = readYaml(new TextEncoder().encode(input));
    expect(doc!.items.slice(0, 4)).toEqual([new Comment(' head of file'), new Comment(' second head block'), new Comment(' line a', true), { key: 'a', value: 1n }]);
    const b = doc!.get('b') as Branch;
    expect(b.items).toEqual([new Comment(' head of c'), new Comment(' line c', true), { key: 'c', value: 'x' }, new Comment(' foot of c (indented)')]);
    expect(doc!.items[6]).toEqual(new Comment(' foot at top level'));
    expect(writeYaml([doc!])).toBe(
      '# head of file\n# second head block\na: 1 # line a\n# between a and b\nb:\n    # head of c\n    c: x # line c\n    # foot of c (indented)\n# foot at top level\nd:\n    - 1\n    - 2\n',
    );
  });

  it('resolves plain scalars as yaml.v3 and re-canonicalises them', () => {
    const [doc] = readYaml(new TextEncoder().encode('a: 0x1F\nb: 1.50\nc: 2021-01-01\nd: yes\ne: ~\nf: .inf\ng: 017\nh: "123"\ni: 1_000\n'));
    expect(doc!.entries().map((e) => e.value)).toEqual([31n, 1.5, new Timestamp('2021-01-01T00:00:00Z'), 'yes', null, Infinity, 15n, '123', 1000n]);
    expect(writeYaml([doc!])).toBe('a: 31\nb: 1.5\nc: 2021-01-01T00:00:00Z\nd: "yes"\ne: null\nf: .inf\ng: 15\nh: "123"\ni: 1000\n');
  });

  it('quotes strings as yaml.v3 does', () => {
    const values = ['true', '1.5', '', 'n', '- x', 'a: b', ' lead', '@x', 'a\tb', "it's", 'say "hi"', 'café', '#x', 'a #b'];
    const doc = new Branch(values.map((value, i) => ({ key: `k${i}`, value })));
    expect(writeYaml([doc]).split('\n').slice(0, -1).map((l) => l.replace(/^k\d+: /, ''))).toEqual([
      '"true"', '"1.5"', '""', '"n"', "'- x'", "'a: b'", "' lead'", "'@x'", '"a\\tb"', "it's", 'say "hi"', 'café', "'#x'", "'a #b'",
    ]);
  });

  it('writes multi-line strings as literal blocks with the right chomping and indentation', () => {
    const doc = new Branch([
      { key: 'clip', value: 'a\nb\n' },
      { key: 'strip', value: 'a\nb' },
      { key: 'keep', value: 'a\n\n' },
      { key: 'list', value: [new Branch([{ key: 'enc', value: 'x\ny\n' }])] },
    ]);
    expect(writeYaml([doc])).toBe('clip: |\n    a\n    b\nstrip: |-\n    a\n    b\nkeep: |+\n    a\n\nlist:\n    - enc: |\n        x\n        y\n');
  });

  it('formats floats as Go does', () => {
    expect([1e21, 1.5e-7, 1234568000, 0.1, -0].map(formatFloatF)).toEqual(['1000000000000000000000', '0.00000015', '1234568000', '0.1', '-0']);
    expect([1, 123456, 1e6, 1234567, 1e-5, 0.0001, 1e21, 5e-324].map(formatFloatYaml)).toEqual([
      '1', '123456', '1e+06', '1.234567e+06', '1e-05', '0.0001', '1e+21', '5e-324',
    ]);
  });

  it('expands aliases, keeps merge keys as keys, and turns flow collections into blocks', () => {
    // `y` is a YAML 1.1 bool, so yaml.v3 quotes it even as a key.
    expect(roundTrip('base: &b {x: 1}\nuse:\n    <<: *b\n    y: [a, b]\n')).toBe('base:\n    x: 1\nuse:\n    !!merge <<:\n        x: 1\n    "y":\n        - a\n        - b\n');
  });

  it('refuses a "billion laughs" file instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    expect(() => readYaml(new TextEncoder().encode(`${levels.join('\n')}\n`))).toThrow(/aliases expand to more than/);
  });

  it('refuses what sops refuses: non-string keys, duplicate keys, a list document', () => {
    expect(() => readYaml(new TextEncoder().encode('1: x\n'))).toThrow(/every mapping key to be a string/);
    expect(() => readYaml(new TextEncoder().encode('a: 1\na: 2\n'))).toThrow(/appears twice/);
    expect(() => readYaml(new TextEncoder().encode('- a\n'))).toThrow(/must be a mapping/);
  });
});
