// The typed API contract: each method's parameter schema and result type, each event's payload type.

import { z } from 'zod';
import type { EventChannel, MethodChannel } from './channels.ts';
import type { Envelope } from './errors.ts';
import type { AppInfo, FlakeState, HostList } from '../model/flake.ts';

interface MethodSpec<P extends z.ZodType = z.ZodType, R = unknown> {
  params: P;
  /** Phantom: carries the result type only. */
  result: R;
}

function method<P extends z.ZodType, R>(params: P): MethodSpec<P, R> {
  return { params, result: undefined as R };
}

const noParams = z.strictObject({});

/** An absolute or relative folder path: no NUL bytes, bounded length. */
const folderPath = z
  .string()
  .min(1, 'a folder path is required')
  .max(4096)
  .refine((s) => !s.includes('\0'), 'a path cannot contain NUL bytes');

export const contract = {
  'app.info': method<typeof noParams, AppInfo>(noParams),
  'flake.current': method<typeof noParams, FlakeState>(noParams),
  'flake.open': method<z.ZodObject<{ path: typeof folderPath }, z.core.$strict>, FlakeState>(
    z.strictObject({ path: folderPath }),
  ),
  'hosts.list': method<typeof noParams, HostList>(noParams),
} satisfies { [C in MethodChannel]: MethodSpec };

/** Payloads of the events main pushes to the renderer. */
export interface EventPayloads {
  'flake.changed': FlakeState;
}

type CheckEvents = { [E in EventChannel]: EventPayloads[E] };
export type { CheckEvents as _EventsCoverEveryChannel };

export type Params<C extends MethodChannel> = z.input<(typeof contract)[C]['params']>;
export type ParsedParams<C extends MethodChannel> = z.output<(typeof contract)[C]['params']>;
export type Result<C extends MethodChannel> = (typeof contract)[C]['result'];

/** Methods without required parameters may be called with none. */
type ParamsArgs<C extends MethodChannel> = object extends Params<C> ? [params?: Params<C>] : [params: Params<C>];

type Namespace = MethodChannel extends `${infer NS}.${string}` ? NS : never;
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
