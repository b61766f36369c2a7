// The sops worker thread: runs the jobs of sops-jobs.ts one message at a time, so a large or hostile file holds up
// this thread, never the one that answers the window.

import { parentPort } from 'node:worker_threads';
import { ApiError } from '../../common/api/errors.ts';
import { readyMessage, sopsJobs } from './sops-jobs.ts';
import { handOver } from './tree-transfer.ts';
import type { SopsReply, SopsRequest } from './sops-jobs.ts';

const port = parentPort;
if (!port) throw new Error('sops-worker.ts runs as a worker thread (see sops-thread.ts), not on its own.');

/** Bytes a job made (a file to write) go back without a copy. */
function madeBytes(value: unknown): ArrayBuffer[] {
  const bytes = value instanceof Uint8Array ? value : (value as { bytes?: unknown } | null)?.bytes;
  return bytes instanceof Uint8Array ? handOver(bytes) : [];
}

async function run(request: SopsRequest): Promise<SopsReply> {
  try {
    const job = sopsJobs[request.name] as (...args: unknown[]) => unknown;
    return { id: request.id, ok: true, value: await job(...request.args) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { id: request.id, ok: false, message, ...(error instanceof ApiError && { api: error.toData() }) };
  }
}

port.on('message', (request: SopsRequest) =>
  void run(request).then((reply) => port.postMessage(reply, reply.ok ? madeBytes(reply.value) : [])),
);
port.postMessage(readyMessage);
