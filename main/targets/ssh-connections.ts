// Shared ssh connections for the commands that need no new login each (status checks, reads of files): one master
// connection per host and way of reaching it, its control socket in a folder only this user can enter, ended when the
// app quits. A deploy's confirmation never uses one: it must prove that a new connection works.

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from './process.ts';
import type { DeploySettings } from './settings.ts';

type Reach = Pick<DeploySettings, 'targetHost' | 'targetUser' | 'targetPort'>;

/** A Unix socket's path has room for 107 bytes; ssh adds 17 to the name while it sets the socket up. */
const longestSocketPath = 107 - 17;

export class SshConnections {
  readonly #parent: string;
  #folder: string | undefined;
  #closed = false;

  /** `parent`: where the private folder is made ($XDG_RUNTIME_DIR, else the temporary folder). */
  constructor(parent: string) {
    this.#parent = parent;
  }

  /** The private folder holding the sockets, once one was asked for. */
  get folder(): string | undefined {
    return this.#folder;
  }

  /** The control socket for a host reached this way; undefined where none can be made (each command logs in then). */
  socketFor(reach: Reach, sshOptions: readonly string[]): string | undefined {
    if (this.#closed) return undefined;
    try {
      // mkdtemp makes the folder 0700: nobody else can reach the connections through it.
      this.#folder ??= mkdtempSync(join(this.#parent, 'flakedeck-ssh-'));
    } catch {
      return undefined;
    }
    const way = JSON.stringify([reach.targetHost, reach.targetUser, reach.targetPort, sshOptions]);
    const socket = join(this.#folder, createHash('sha256').update(way).digest('hex').slice(0, 16));
    return Buffer.byteLength(socket) <= longestSocketPath ? socket : undefined;
  }

  /**
   * Stops sharing a connection whose command did not answer in time: the next command makes a new one, and the old
   * master, unreachable now, ends once idle (or when its keep-alives go unanswered).
   */
  forget(socket: string): void {
    rmSync(socket, { force: true });
  }

  /** Ends every master connection and removes the folder; no connection is shared after this. */
  async close(): Promise<void> {
    this.#closed = true;
    const folder = this.#folder;
    this.#folder = undefined;
    if (!folder) return;
    const sockets = readdirSync(folder).map((name) => join(folder, name));
    await Promise.all(
      sockets.map((socket) =>
        // The destination is a placeholder: with -O, ssh talks only to the master behind the socket.
        runProcess('ssh', ['-o', `ControlPath=${socket}`, '-O', 'exit', '--', 'flakedeck'], {
          timeoutMs: 5000,
        }).catch(() => undefined),
      ),
    );
    rmSync(folder, { recursive: true, force: true });
  }
}
