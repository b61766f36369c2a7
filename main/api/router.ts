// The one entry for every API call: checks the channel and the sender, validates arguments, calls the service.

import { contract, isMethodChannel } from '../../common/api/contract.ts';
import type { MethodChannel, ParsedParams, Result } from '../../common/api/contract.ts';
import { ApiError } from '../../common/api/errors.ts';
import type { Envelope } from '../../common/api/errors.ts';
import type { z } from 'zod';
import type { Sender, SenderCheck } from './sender-check.ts';

export type Handlers = {
  [C in MethodChannel]: (params: ParsedParams<C>) => Promise<Result<C>> | Result<C>;
};

/** The handlers of one namespace's methods, e.g. `HandlersFor<typeof flakeMethods>`. */
export type HandlersFor<Methods> = Pick<Handlers, keyof Methods & MethodChannel>;

export interface RouterOptions {
  isTrustedSender: SenderCheck;
  /** Where unexpected errors are reported; their message still reaches the caller. */
  onInternalError?: (channel: string, error: unknown) => void;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`).join('; ');
}

export class Router {
  readonly #handlers: Handlers;
  readonly #options: RouterOptions;

  constructor(handlers: Handlers, options: RouterOptions) {
    this.#handlers = handlers;
    this.#options = options;
  }

  async call(channel: unknown, params: unknown, sender: Sender): Promise<Envelope<unknown>> {
    try {
      return { ok: true, value: await this.#dispatch(channel, params, sender) };
    } catch (error) {
      if (error instanceof ApiError) return { ok: false, error: error.toData() };
      this.#options.onInternalError?.(String(channel), error);
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'INTERNAL', message: `Flakedeck failed unexpectedly: ${message}` } };
    }
  }

  async #dispatch(channel: unknown, params: unknown, sender: Sender): Promise<unknown> {
    if (!isMethodChannel(channel)) {
      throw new ApiError({ code: 'UNKNOWN_CHANNEL', message: `"${String(channel)}" is not a Flakedeck API channel.` });
    }
    if (!this.#options.isTrustedSender(sender)) {
      throw new ApiError({
        code: 'FORBIDDEN_SENDER',
        message: `Refused ${channel}: the call came from ${sender.url || 'an unknown page'}, not from Flakedeck's own window.`,
      });
    }
    const parsed = contract[channel].params.safeParse(params ?? {});
    if (!parsed.success) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `Invalid arguments for ${channel}: ${describeIssues(parsed.error)}.`,
      });
    }
    const handler = this.#handlers[channel] as (p: unknown) => unknown;
    return await handler(parsed.data);
  }
}
