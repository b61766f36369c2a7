// Which leaves sops encrypts (SPEC §3.2): the suffix, regex and comment-regex selectors, at most one of them.

import { goRegexp } from './go-regexp.ts';
import { invalidFile } from './sops-errors.ts';

export interface EncryptionRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  unencryptedCommentRegex?: string;
  encryptedCommentRegex?: string;
  /** Hash only encrypted values into the MAC. */
  macOnlyEncrypted?: boolean;
}

/** The selectors by their name in sops metadata and .sops.yaml. */
export const selectorFields = {
  unencrypted_suffix: 'unencryptedSuffix',
  encrypted_suffix: 'encryptedSuffix',
  unencrypted_regex: 'unencryptedRegex',
  encrypted_regex: 'encryptedRegex',
  unencrypted_comment_regex: 'unencryptedCommentRegex',
  encrypted_comment_regex: 'encryptedCommentRegex',
} as const;

type Selector = (typeof selectorFields)[keyof typeof selectorFields];

export const defaultUnencryptedSuffix = '_unencrypted';

/** sops refuses more than one selector; with none it reads the file with the default suffix. */
export function checkedRules(rules: EncryptionRules, where: string): EncryptionRules {
  const set = (Object.entries(selectorFields) as [string, Selector][]).filter(([, f]) => rules[f] !== undefined && rules[f] !== '');
  if (set.length > 1) {
    throw invalidFile(`${where} sets ${set.map(([n]) => n).join(' and ')}; sops allows only one of them.`);
  }
  return set.length === 0 ? { ...rules, unencryptedSuffix: defaultUnencryptedSuffix } : rules;
}

export type ShouldEncrypt = (path: readonly string[], comments: readonly string[], isComment: boolean) => boolean;

export function encryptionSelector(rules: EncryptionRules): ShouldEncrypt {
  const unencryptedRegex = rules.unencryptedRegex ? goRegexp(rules.unencryptedRegex) : undefined;
  const encryptedRegex = rules.encryptedRegex ? goRegexp(rules.encryptedRegex) : undefined;
  const unencryptedComment = rules.unencryptedCommentRegex ? goRegexp(rules.unencryptedCommentRegex) : undefined;
  const encryptedComment = rules.encryptedCommentRegex ? goRegexp(rules.encryptedCommentRegex) : undefined;
  const { unencryptedSuffix, encryptedSuffix } = rules;
  return (path, comments, isComment) => {
    let encrypted = true;
    if (unencryptedSuffix && path.some((p) => p.endsWith(unencryptedSuffix))) encrypted = false;
    if (encryptedSuffix) encrypted = path.some((p) => p.endsWith(encryptedSuffix));
    if (unencryptedRegex && path.some((p) => unencryptedRegex.test(p))) encrypted = false;
    if (encryptedRegex) encrypted = path.some((p) => encryptedRegex.test(p));
    if (unencryptedComment && comments.some((c) => unencryptedComment.test(c))) encrypted = false;
    if (encryptedComment) {
      // The marker comment itself (the last one collected) stays readable.
      const others = isComment ? comments.slice(0, -1) : comments;
      encrypted = others.some((c) => encryptedComment.test(c));
    }
    return encrypted;
  };
}
