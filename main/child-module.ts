// Runs one of the app's own modules in a child process, so a crash in native code there cannot take this one down:
// child_process.fork under Node (the CLI, tests), Electron's utility process in the app (its RunAsNode fuse is off).

import { fork } from 'node:child_process';
import { dirname, extname, join } from 'node:path';

export interface ChildModule {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the child is gone, with its exit code or the signal that ended it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
  /** Whether the child keeps this process running (the CLI must exit while the child waits for work). */
  keepAlive(alive: boolean): void;
}

export type LaunchChild = (modulePath: string) => ChildModule;

/**
 * A module built as its own entry beside the caller (its `import.meta.filename`): `name.ts` in the source tree,
 * `name.cjs` beside a CommonJS bundle.
 */
export function moduleBeside(callerFile: string, name: string): string {
  return join(dirname(callerFile), `${name}${extname(callerFile)}`);
}

export const forkWithNode: LaunchChild = (modulePath) => {
  // No inherited flags (an inspector port, say); stderr dropped: libsecret prints warnings there on every failure.
  const child = fork(modulePath, [], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    serialization: 'advanced',
  });
  return {
    send: (message) => child.send(message as never),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', listener),
    kill: (signal) => child.kill(signal),
    keepAlive(alive) {
      if (alive) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
  };
};
