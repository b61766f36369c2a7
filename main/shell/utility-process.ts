// Starts one of the app's own modules in an Electron utility process: child_process.fork needs ELECTRON_RUN_AS_NODE,
// which the app's RunAsNode fuse turns off.

import { utilityProcess } from 'electron';
import type { LaunchChild } from '../child-module.ts';

export const launchUtilityProcess: LaunchChild = (modulePath) => {
  const child = utilityProcess.fork(modulePath, [], { stdio: 'ignore', serviceName: 'Flakedeck keychain' });
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    // A utility process reports only its exit code; a crash is a non-zero one.
    onExit: (listener) => child.once('exit', (code) => listener(code, null)),
    kill: () => void child.kill(),
    // The app's life does not depend on its utility processes; Electron ends them when it quits.
    keepAlive: () => undefined,
  };
};
