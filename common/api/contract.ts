// The typed API contract: every namespace's methods and events merged into one table of channels.

import type { z } from 'zod';
import { appEvents, appMethods } from './namespaces/app.ts';
import { deployEvents, deployMethods } from './namespaces/deploy.ts';
import { flakeEvents, flakeMethods } from './namespaces/flake.ts';
import { fleetEvents, fleetMethods } from './namespaces/fleet.ts';
import { historyEvents, historyMethods } from './namespaces/history.ts';
import { inspectEvents, inspectMethods } from './namespaces/inspect.ts';
import { keysEvents, keysMethods } from './namespaces/keys.ts';
import { rebootEvents, rebootMethods } from './namespaces/reboot.ts';
import { secretsEvents, secretsMethods } from './namespaces/secrets.ts';
import { terminalEvents, terminalMethods } from './namespaces/terminal.ts';
import type { Envelope } from './errors.ts';

export const contract = {
  ...appMethods,
  ...deployMethods,
  ...historyMethods,
  ...flakeMethods,
  ...fleetMethods,
  ...inspectMethods,
  ...keysMethods,
  ...rebootMethods,
  ...secretsMethods,
  ...terminalMethods,
};

export const events = {
  ...appEvents,
  ...deployEvents,
  ...historyEvents,
  ...flakeEvents,
  ...fleetEvents,
  ...inspectEvents,
  ...keysEvents,
  ...rebootEvents,
  ...secretsEvents,
  ...terminalEvents,
};

export type MethodChannel = keyof typeof contract;
export type EventChannel = keyof typeof events;
export type EventPayloads = { [E in EventChannel]: (typeof events)[E] };

/** The channel table: preload and the test transport expose exactly these, nothing else. */
export const methodChannels = Object.keys(contract) as MethodChannel[];

/** The names of every method and event: what the preload bundles, instead of the schemas, to build its bridge. */
export const channelNames = { methods: methodChannels, events: Object.keys(events) as EventChannel[] };

export function isMethodChannel(channel: unknown): channel is MethodChannel {
  return typeof channel === 'string' && Object.hasOwn(contract, channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && Object.hasOwn(events, channel);
}

export type Params<C extends MethodChannel> = z.input<(typeof contract)[C]['params']>;
export type ParsedParams<C extends MethodChannel> = z.output<(typeof contract)[C]['params']>;
export type Result<C extends MethodChannel> = (typeof contract)[C]['result'];

/** Methods without required parameters may be called with none. */
type ParamsArgs<C extends MethodChannel> =
  Record<never, never> extends Params<C> ? [params?: Params<C>] : [params: Params<C>];

type Namespace = MethodChannel extends infer C ? (C extends `${infer NS}.${string}` ? NS : never) : never;
type MethodsOf<NS extends string> = Extract<MethodChannel, `${NS}.${string}`>;
type MethodName<C extends string> = C extends `${string}.${infer M}` ? M : never;

export type Listener<E extends EventChannel> = (payload: EventPayloads[E]) => void;
export type Unsubscribe = () => void;

interface EventsApi {
  /** Subscribe to an event; call the returned function to unsubscribe. */
  on<E extends EventChannel>(channel: E, listener: Listener<E>): Unsubscribe;
}

type ApiOf<Wrap extends 'raw' | 'unwrapped'> = {
  [NS in Namespace]: {
    [C in MethodsOf<NS> as MethodName<C>]: (
      ...args: ParamsArgs<C>
    ) => Promise<Wrap extends 'raw' ? Envelope<Result<C>> : Result<C>>;
  };
} & { events: EventsApi };

/** What preload exposes as window.flakedeck: every call resolves to an envelope. */
export type FlakedeckBridge = ApiOf<'raw'>;
/** What renderer code uses: calls resolve to their result or throw an ApiError. */
export type FlakedeckApi = ApiOf<'unwrapped'>;
