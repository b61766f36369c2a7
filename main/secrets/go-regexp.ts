// Go RE2 patterns from .sops.yaml and sops metadata, translated to JavaScript RegExp (SPEC §3.2).

import { invalidFile } from './sops-errors.ts';

/** RE2 has no look-around and no back-references; refusing them keeps a rule from meaning something else here. */
const unsupported = /\(\?<?[=!]|\\[1-9]/;

export function goRegexp(pattern: string): RegExp {
  let source = pattern;
  let flags = 'u';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    for (const f of leading[1]!) {
      if (f === 'U') throw invalidFile(`The pattern ${JSON.stringify(pattern)} uses the (?U) flag, which Flakedeck cannot apply.`);
      if (!flags.includes(f)) flags += f;
    }
    source = source.slice(leading[0].length);
  }
  if (unsupported.test(source)) {
    throw invalidFile(`The pattern ${JSON.stringify(pattern)} uses look-around or a back-reference, which Go's RE2 (and sops) do not support.`);
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])');
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw invalidFile(`The pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}.`);
  }
}
