export { SunoCover } from './client.js';
export { ApiCode, CoverStatus, isTerminalStatus, SuccessFlag } from './codes.js';
export type { GenerateCoverParams } from './covers.js';
export { Covers, NO_CALLBACK_URL } from './covers.js';
export type { ApiErrorDetails } from './errors.js';
export {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InsufficientCreditsError,
  InvalidArgumentError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  ResponseValidationError,
  ServerError,
  ServiceUnavailableError,
  SunoCoverError,
} from './errors.js';
export type { ClientEvents, RetryEvent } from './events.js';
export type { ClientOptions, RequestOptions } from './options.js';
export type { CoverDetails } from './schemas.js';
export type { CoverCallbackSignatureHeaders, SignCoverCallbackParams } from './signature.js';
export { signCoverCallback } from './signature.js';
export { CoverTask } from './task.js';
