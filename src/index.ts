export type { ParseCoverCallbackOptions } from './callbacks.js';
export { DEFAULT_MAX_CALLBACK_BYTES, parseCoverCallback } from './callbacks.js';
export { SunoCover } from './client.js';
export {
  ApiCode,
  CallbackCode,
  CoverStatus,
  isRefundedCode,
  isRetryableCode,
  isSuccessCode,
  isTerminalCode,
  isTerminalStatus,
  SuccessFlag,
} from './codes.js';
export type { GenerateCoverParams } from './covers.js';
export { Covers, NO_CALLBACK_URL } from './covers.js';
export type { FetchCoverOptions, FetchCoverReadOptions } from './download.js';
export { fetchCover } from './download.js';
export type {
  ApiErrorDetails,
  CallbackVerificationReason,
  DownloadFailureReason,
} from './errors.js';
export {
  ApiError,
  AuthenticationError,
  BadRequestError,
  CallbackParseError,
  CallbackVerificationError,
  ClientClosedError,
  ConnectionError,
  DownloadError,
  InsufficientCreditsError,
  InvalidArgumentError,
  ListenerError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  ResponseValidationError,
  ServerError,
  ServiceUnavailableError,
  SunoCoverError,
  TaskFailedError,
  TaskTimeoutError,
} from './errors.js';
export type {
  CallbackEvent,
  ClientEvents,
  ConflictEvent,
  ErrorEvent,
  EventSource,
  FailedEvent,
  RetryEvent,
  StatusEvent,
  StoreEvent,
  SubmittedEvent,
  SucceededEvent,
  TaskEvent,
  TaskEvents,
  TimeoutEvent,
} from './events.js';
export type { Logger, LogLevel } from './internal/log.js';
export { CALLBACK_LIMITS } from './limits.js';
export type { ClientOptions, RequestOptions } from './options.js';
export type {
  CallbackAnswer,
  CallbackRequest,
  HandleOptions,
  ReceivedCallback,
} from './receiver.js';
export { CallbackReceiver } from './receiver.js';
export type { CoverCallback, CoverDetails } from './schemas.js';
export type {
  CoverCallbackSignatureHeaders,
  HeadersLike,
  SignCoverCallbackParams,
  VerifiedCallback,
  VerifyCoverCallbackParams,
} from './signature.js';
export { signCoverCallback, verifyCoverCallback } from './signature.js';
export type {
  StoreClaim,
  StoredOutcome,
  StoreHandlers,
  StoreStart,
  TaskStore,
} from './store.js';
export type { CoverTaskInit } from './task.js';
export { CoverTask } from './task.js';
export type { CoverResult, TrackerStats, WaitOptions } from './tracker.js';
