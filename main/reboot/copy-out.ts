// Copies files a reboot would wipe out of this machine's root, each under the destination at its own path
// (/var/lib/x → DEST/var/lib/x). Into a folder of the user's it copies as the user (as root, the folders it makes
// would be root's there); into a persistent root (/persist) as root, owners kept, where impermanence mounts them from.

import { ApiError } from '../../common/api/errors.ts';
import type { HostManifest } from '../../common/model/manifest.ts';
import type { CopyOutResult } from '../../common/model/reboot.ts';
import { isWithin, locatePath, normalisePath } from '../../common/model/path-location.ts';
import { lastLine } from '../targets/ssh.ts';
import type { Target } from '../targets/target.ts';

/** A fixed script; root, destination, what to preserve and the paths are its arguments. Prints `status NUL path NUL why NUL`. */
const copyScript = `root="$1"; dest="$2"; preserve="$3"; shift 3
cd -- "$root" || exit 3
mkdir -p -- "$dest" || exit 4
for p in "$@"; do
  if why=$(cp --parents --recursive --no-dereference --preserve="$preserve" --one-file-system --target-directory="$dest" -- "$p" 2>&1); then
    printf 'copied\\0%s\\0\\0' "$p"
  else
    printf 'failed\\0%s\\0%s\\0' "$p" "$why"
  fi
done`;

function invalid(message: string, hint?: string): ApiError {
  return new ApiError({ code: 'INVALID_ARGUMENTS', message, ...(hint && { hint }) });
}

function absolute(raw: string, what: string): string {
  const path = normalisePath(raw);
  if (!raw.startsWith('/') || path === '/') throw invalid(`${what} "${raw}" is not an absolute path below /.`);
  return path;
}

/** A destination the same reboot would wipe (the tmpfs root, /run) would lose the copies too. */
function checkDestination(manifest: HostManifest, destination: string): void {
  const location = locatePath(manifest, destination);
  if (location.kind === 'ephemeral' || location.kind === 'runtime' || location.kind === 'store') {
    throw invalid(
      `${destination} is wiped by the same reboot (or is not for files), so the copies would be lost with it.`,
      'Choose a folder that is persisted, on the persistent volume, or on another disk.',
    );
  }
}

/**
 * Copies `paths` (as on the machine) from `root`, the folder standing for its `/`, to `destination` under that root.
 * Paths that cannot be copied are reported with why, not copied.
 */
export async function copyOut(
  target: Target,
  manifest: HostManifest,
  root: string,
  request: { paths: readonly string[]; destination: string },
): Promise<CopyOutResult> {
  const destination = absolute(request.destination, 'The destination');
  checkDestination(manifest, destination);
  const paths = [...new Set(request.paths.map((p) => absolute(p, 'The path')))];
  const inside = paths.find((p) => isWithin(destination, p));
  if (inside) throw invalid(`${destination} is inside ${inside}: a folder cannot be copied into itself.`);
  const persistent = manifest.persistentRoots.some((r) => isWithin(destination, r.storage));
  const result = await target.run(
    [
      'sh',
      '-c',
      copyScript,
      'flakedeck-copy-out',
      root,
      normalisePath(`${root}/${destination}`),
      persistent ? 'mode,ownership,timestamps' : 'mode,timestamps',
      ...paths.map((p) => p.slice(1)),
    ],
    { privileged: persistent, timeoutMs: 30 * 60_000, maxOutputBytes: 16 * 1024 * 1024 },
  );
  if (result.code === 3) throw target.unreachable(result, `enter ${root}`);
  if (result.code === 4) {
    throw new ApiError({
      code: 'INVALID_ARGUMENTS',
      message: `Cannot create ${destination}: ${lastLine(result.stderr)}`,
      hint: 'Choose a folder you can write to.',
    });
  }
  if (result.code !== 0) throw target.unreachable(result, 'copy the files out');
  const fields = result.stdout.toString('utf8').split('\0');
  const copied: string[] = [];
  const failed: CopyOutResult['failed'] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [status, relative, why] = fields.slice(i, i + 3) as [string, string, string];
    if (status === 'copied') copied.push(`/${relative}`);
    else failed.push({ path: `/${relative}`, reason: why.split('\n')[0]?.trim() || 'cp failed' });
  }
  return { destination, copied, failed };
}
