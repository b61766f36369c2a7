// Go RE2 patterns from .sops.yaml and sops metadata, matched by an RE2 engine (SPEC §3.2): linear in the input, so
// a hostile pattern or file cannot hang a reader.

import { RE2JS } from 're2js';
import { invalidFile } from './sops-errors.ts';

/** What sops does with a pattern: Go's `MatchString`, a match anywhere in the text. */
export interface GoRegexp {
  test(text: string): boolean;
}

/** Patterns are compiled once each: the Secrets list evaluates every rule for every file. */
const compiled = new Map<string, GoRegexp>();
const maxCached = 256;

export function goRegexp(pattern: string): GoRegexp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    const reason = (error as Error).message.replace(/\.$/, '');
    throw invalidFile(`The pattern ${JSON.stringify(pattern)} is not a valid Go (RE2) regular expression: ${reason}.`);
  }
  const regexp: GoRegexp = { test: (text) => re.test(text) };
  if (compiled.size >= maxCached) compiled.delete(compiled.keys().next().value!);
  compiled.set(pattern, regexp);
  return regexp;
}
