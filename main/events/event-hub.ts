// Fans events from services out to every connected transport (the Electron window, test sockets). It sits below
// the API layer, so services import it without importing the API.

import type { EventChannel } from '../../common/api/contract.ts';
import type { EventPayloads, Unsubscribe } from '../../common/api/contract.ts';

export type EventSink = (channel: EventChannel, payload: unknown) => void;

export class EventHub {
  readonly #sinks = new Set<EventSink>();

  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    for (const sink of this.#sinks) sink(channel, payload);
  }

  connect(sink: EventSink): Unsubscribe {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }
}
