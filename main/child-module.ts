// Runs one of the app's own modules apart: in a child process, so a crash in native code there cannot take this one
// down (child_process.fork under Node, Electron's utility process in the app, whose RunAsNode fuse is off), or in a
// worker thread, so long work there cannot hold up this thread (the same in Node and in Electron's main process).

import { fork } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface ChildModule {
  /** Sends a message; a thread takes the listed buffers over (they are emptied here), a process gets copies. */
  send(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the child is gone, with its exit code or what ended it (a signal, a thread's uncaught error). */
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

/**
 * A worker thread, with V8's default heap: lower resource limits would not protect this process, since one large
 * allocation past them aborts the whole process rather than the thread (nodejs/node#47224).
 */
export const startWorkerThread: LaunchChild = (modulePath) => {
  // No inherited flags: the thread runs the module as it is, sources or bundle.
  const worker = new Worker(modulePath, { execArgv: [] });
  let failure: string | null = null;
  // Without a listener an uncaught error in the thread would be thrown here.
  worker.on('error', (error: Error & { code?: string }) => (failure = error.code ?? error.message));
  return {
    send: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => worker.once('exit', (code) => listener(code, failure)),
    kill: () => void worker.terminate(),
    keepAlive: (alive) => (alive ? worker.ref() : worker.unref()),
  };
};
