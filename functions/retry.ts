/**
 * Transient AWS faults (throttling, 5xx, timeouts, dropped connections) and retrying them with
 * exponential backoff and full jitter. Anything else is permanent and is rethrown at once.
 */
export interface RetryOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Full jitter: uniform in [0, min(max, base · 2^attempt)). */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  return Math.floor(random() * Math.min(max, base * 2 ** attempt));
}

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'Throttling', 'RequestLimitExceeded',
  'TooManyRequestsException', 'SlowDown', 'InternalServerError', 'InternalError', 'ServiceUnavailable',
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Whether retrying the same request later can succeed. */
export function isTransient(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };
  if (err.name && TRANSIENT_NAMES.has(err.name)) return true;
  if (err.code && TRANSIENT_CODES.has(err.code)) return true;
  if (err.$retryable) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (/^(aborted|socket hang up|read ECONNRESET)$/.test(err.message ?? '')) return true;
  return err.cause !== undefined && err.cause !== e && isTransient(err.cause);
}

/** Run `fn` until it succeeds, retrying transient faults up to `maxAttempts` calls in all. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { maxAttempts = 6, baseDelayMs = 100, maxDelayMs = 5000, sleep = realSleep, random = Math.random } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!isTransient(e) || attempt + 1 >= maxAttempts) throw e;
      await sleep(backoffDelay(attempt + 1, baseDelayMs, maxDelayMs, random));
    }
  }
}
