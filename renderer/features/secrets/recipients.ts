// Who can read what: recipients named for people, and the matrix of hosts and people by secret files.

import type { HostRecipient } from '../../../common/model/keys.ts';
import type { SecretUse } from '../../../common/model/secret-checks.ts';
import { recipientLabel } from '../../../common/model/secrets.ts';
import type { SecretFileSummary, SecretRecipient } from '../../../common/model/secrets.ts';

export interface MatrixCell {
  file: string;
  /** The row's key is a recipient of the file. */
  reads: boolean;
  /** The secrets the host declares from the file (hosts only, when the checks ran). */
  uses: string[];
}

export interface MatrixRow {
  name: string;
  kind: 'person' | 'host';
  /** Absent for a host without a key in hosts/<name>/. */
  recipient?: string;
  cells: MatrixCell[];
}

export interface Matrix {
  files: string[];
  rows: MatrixRow[];
}

/** People (every recipient that is no host's key) first, then each host of hosts/, by every readable file. */
export function buildMatrix(
  files: readonly SecretFileSummary[],
  hosts: readonly HostRecipient[],
  uses: readonly SecretUse[] = [],
): Matrix {
  const readable = files.filter((f) => !f.problem);
  const hostKeys = new Set(hosts.flatMap((h) => (h.fromFile ? [h.fromFile] : [])));
  const people = new Map<string, SecretRecipient>();
  for (const f of readable) {
    for (const r of f.recipients) if (!hostKeys.has(r.recipient) && !people.has(r.recipient)) people.set(r.recipient, r);
  }
  const cells = (recipient: string | undefined, host?: string): MatrixCell[] =>
    readable.map((f) => ({
      file: f.file,
      reads: !!recipient && f.recipients.some((r) => r.recipient === recipient),
      uses: host ? uses.filter((u) => u.host === host && u.file === f.file).flatMap((u) => u.secrets) : [],
    }));
  const personRows = [...people.values()]
    .map((r): MatrixRow => ({ name: recipientLabel(r), kind: 'person', recipient: r.recipient, cells: cells(r.recipient) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const hostRows = hosts.map(
    (h): MatrixRow => ({
      name: h.host,
      kind: 'host',
      ...(h.fromFile && { recipient: h.fromFile }),
      cells: cells(h.fromFile, h.host),
    }),
  );
  return { files: readable.map((f) => f.file), rows: [...personRows, ...hostRows] };
}
