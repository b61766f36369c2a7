// The renderer's handle on the API: bridge calls unwrapped into results, or thrown ApiErrors.

import type { FlakedeckApi, FlakedeckBridge } from '../../common/api/contract.ts';
import { ApiError } from '../../common/api/errors.ts';
import type { Envelope } from '../../common/api/errors.ts';

type RawMethod = (params?: unknown) => Promise<Envelope<unknown>>;

function unwrap(bridge: FlakedeckBridge): FlakedeckApi {
  const api: Record<string, unknown> = { events: bridge.events };
  for (const [ns, methods] of Object.entries(bridge)) {
    if (ns === 'events') continue;
    api[ns] = Object.fromEntries(
      Object.entries(methods as Record<string, RawMethod>).map(([name, call]) => [
        name,
        async (params?: unknown) => {
          const envelope = await call(params);
          if (!envelope.ok) throw ApiError.fromData(envelope.error);
          return envelope.value;
        },
      ]),
    );
  }
  return api as FlakedeckApi;
}

/** Undefined when the page is opened outside Flakedeck, where there is no bridge. */
export const api: FlakedeckApi | undefined = window.flakedeck ? unwrap(window.flakedeck) : undefined;
