// Replacing age recipients in a `.sops.yaml`: only the characters of each old recipient change; comments, rules,
// anchors, quoting and every other byte of the file stay as they were.

import { isScalar, parseDocument, visit } from 'yaml';
import { ApiError } from '../../common/api/errors.ts';

/** A recipient anchor of `.sops.yaml` (`- &admin age1…`) and the recipients it holds, in order. */
export interface RecipientAnchor {
  anchor: string;
  recipients: string[];
}

/** One line of the file before and after the replacement (recipients never span lines). */
export interface ChangedLine {
  line: number;
  before: string;
  after: string;
}

const recipientPattern = /age1[0-9a-z]+/g;

function parsed(text: string, file: string) {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) {
    throw new ApiError({
      code: 'SOPS_CONFIG',
      message: `${file}: it is not valid YAML: ${doc.errors[0]!.message}`,
      hint: 'Fix .sops.yaml and try again.',
    });
  }
  return doc;
}

/** The anchored scalars that hold age recipients, in file order. */
export function recipientAnchors(text: string, file = '.sops.yaml'): RecipientAnchor[] {
  const anchors: RecipientAnchor[] = [];
  visit(parsed(text, file), {
    Scalar(_key, node) {
      if (!isScalar(node) || !node.anchor || typeof node.value !== 'string') return;
      const recipients = node.value.match(recipientPattern) ?? [];
      if (recipients.length > 0) anchors.push({ anchor: node.anchor, recipients });
    },
  });
  return anchors;
}

/**
 * Replaces every occurrence of an old recipient inside a YAML scalar (anchored or written out in a rule) with its new
 * one. Text outside scalars (comments) is never touched, so a recipient quoted in a comment stays as it was.
 */
export function replaceRecipients(
  text: string,
  replacements: ReadonlyMap<string, string>,
  file = '.sops.yaml',
): { text: string; changed: ChangedLine[] } {
  const edits: { start: number; end: number; to: string }[] = [];
  visit(parsed(text, file), {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
      const [start, end] = node.range;
      for (const match of text.slice(start, end).matchAll(recipientPattern)) {
        const to = replacements.get(match[0]);
        if (to !== undefined && to !== match[0]) {
          edits.push({ start: start + match.index, end: start + match.index + match[0].length, to });
        }
      }
    },
  });
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.to + out.slice(edit.end);
  }
  const before = text.split('\n');
  const after = out.split('\n');
  const changed = before.flatMap((line, i) =>
    line === after[i] ? [] : [{ line: i + 1, before: line, after: after[i]! }],
  );
  return { text: out, changed };
}
