// Helpers to declare API methods and events: a parameter schema plus phantom result and payload types.

import { z } from 'zod';

export interface MethodSpec<P extends z.ZodType = z.ZodType, R = unknown> {
  params: P;
  /** Phantom: carries the result type only; undefined at run time. */
  result: R;
}

/** `method<Result>()(schema)`: the result type is given, the parameter type comes from the schema. */
export function method<R>() {
  return <P extends z.ZodType>(params: P): MethodSpec<P, R> => ({ params, result: undefined as R });
}

/** Phantom marker for an event's payload type. */
export function event<T>(): T {
  return undefined as T;
}

export const noParams = z.strictObject({});

/** A folder or file path from the user: no NUL bytes, bounded length. */
export const pathString = z
  .string()
  .min(1, 'a path is required')
  .max(4096)
  .refine((s) => !s.includes('\0'), 'a path cannot contain NUL bytes');

/** A host name as the flake declares it; it is passed to nix and ssh only as one argument. */
export const hostName = z
  .string()
  .min(1, 'a host name is required')
  .max(253)
  .refine((s) => !/[\0\n"]/.test(s), 'a host name cannot contain NUL, newlines or quotes');
