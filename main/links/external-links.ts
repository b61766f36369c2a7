// Opens web links in the user's browser: http and https only, through the opener the Electron glue provides.

import { ApiError } from '../../common/api/errors.ts';

/** Hands a checked URL to the operating system; main/shell/ implements it with Electron's shell.openExternal. */
export type ExternalOpener = (url: string) => Promise<void>;

const webSchemes = new Set(['http:', 'https:']);

/** The URL as it will be opened, or an error naming what is wrong: file:, javascript: and app schemes are refused. */
export function webUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ApiError({ code: 'INVALID_ARGUMENTS', message: `${JSON.stringify(text)} is not a URL.` });
  }
  if (!webSchemes.has(url.protocol)) {
    throw new ApiError({
      code: 'INVALID_ARGUMENTS',
      message: `Flakedeck opens only http and https links, not ${url.protocol} ones.`,
    });
  }
  return url.href;
}

/** The allowlist itself, for the one place that hands URLs to the operating system to check again. */
export function isAllowedExternalUrl(text: string): boolean {
  return URL.canParse(text) && webSchemes.has(new URL(text).protocol);
}

export class ExternalLinks {
  readonly #opener: ExternalOpener | undefined;

  constructor(opener?: ExternalOpener) {
    this.#opener = opener;
  }

  async open(text: string): Promise<void> {
    const url = webUrl(text);
    if (!this.#opener) {
      throw new ApiError({ code: 'INTERNAL', message: `Links open only from the Flakedeck window, not here: ${url}` });
    }
    await this.#opener(url);
  }
}
