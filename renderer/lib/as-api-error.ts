// Any thrown value as an ApiError, so views show one kind of error.

import { ApiError } from '../../common/api/errors.ts';

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
}
