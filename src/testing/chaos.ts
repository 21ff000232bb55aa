/**
Seeded, reproducible fault injection for the simulator. Every decision is drawn from a
hash of the seed and a key that names the request (endpoint, task, how many times it was
asked), not from arrival order, so the same seed makes the same faults however the
client's requests interleave.
*/
import type { SimulatorFault } from './simulator.js';

/** Faults on API answers. */
export type ApiFaultKind =
  | 'reset'
  | 'hang'
  | 'server-error'
  | 'rate-limit'
  | 'rate-limit-retry-after'
  | 'error-code'
  | 'truncated'
  | 'malformed';

/** Faults on callback delivery, one per task at most. */
export type CallbackFaultKind =
  | 'drop'
  | 'duplicate'
  | 'contradict'
  | 'delay'
  | 'early'
  | 'impatient';

export const apiFaultKinds: readonly ApiFaultKind[] = [
  'reset',
  'hang',
  'server-error',
  'rate-limit',
  'rate-limit-retry-after',
  'error-code',
  'truncated',
  'malformed',
];

export const callbackFaultKinds: readonly CallbackFaultKind[] = [
  'drop',
  'duplicate',
  'contradict',
  'delay',
  'early',
  'impatient',
];

export interface ChaosOptions {
  /** Same seed, same faults. */
  seed: number | string;
  /** Share of API answers (generate, record-info, credit) that are faults. @default 0.15 */
  apiFaultRate?: number;
  /** Which API faults may happen. @default all */
  apiFaults?: readonly ApiFaultKind[];
  /**
  Schema drift on record-info answers that are not faults: extra fields, numbers as
  strings, nulls where optional values were. The meaning never changes. @default true
  */
  drift?: boolean;
  /** Share of tasks whose callback delivery misbehaves. @default 0.5 */
  callbackFaultRate?: number;
  /** Which callback faults may happen. @default all */
  callbackFaults?: readonly CallbackFaultKind[];
  /** How long a `delay`ed callback waits before it is sent, in ms. @default 1_000 */
  delayMs?: number;
}

/** A number in [0, 1) for a seed and a key: FNV-1a, then a round of mulberry32. */
export function chance(seed: number | string, key: string): number {
  let h = 0x811c9dc5;
  const text = `${seed}\u0000${key}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

function pick<T>(seed: number | string, key: string, list: readonly T[]): T {
  return list[Math.floor(chance(seed, key) * list.length)] as T;
}

/** A fault for an API answer, and for generate whether it strikes after the task was made. */
export interface ChaosFault extends SimulatorFault {
  kind: ApiFaultKind;
  afterProcessing: boolean;
}

export function apiFault(chaos: ChaosOptions, key: string): ChaosFault | undefined {
  const { seed } = chaos;
  if (chance(seed, `fault?${key}`) >= (chaos.apiFaultRate ?? 0.15)) return undefined;
  const kind = pick(seed, `kind:${key}`, chaos.apiFaults ?? apiFaultKinds);
  const afterProcessing = chance(seed, `after:${key}`) < 0.5;
  const base = { kind, afterProcessing };
  switch (kind) {
    case 'reset':
      return { ...base, reset: true };
    case 'hang':
      return { ...base, hang: true };
    case 'server-error': {
      const status = pick(seed, `status:${key}`, [500, 502, 503, 504]);
      return chance(seed, `html:${key}`) < 0.5
        ? { ...base, status, body: `<html><body>${status}</body></html>` }
        : { ...base, status, code: status === 503 ? 503 : 500 };
    }
    case 'rate-limit':
      return { ...base, status: 429, code: 429, msg: 'Too many requests' };
    case 'rate-limit-retry-after':
      return { ...base, status: 429, code: 429, msg: 'Too many requests', retryAfter: 1 };
    case 'error-code':
      return { ...base, code: pick(seed, `code:${key}`, [500, 455, 429, 503, 430]) };
    case 'truncated':
      return { ...base, body: '{"code":200,"msg":"success","data":{"taskId":"' };
    case 'malformed':
      return {
        ...base,
        body: pick(seed, `garbage:${key}`, [
          '<!DOCTYPE html><h1>Bad Gateway</h1>',
          'null',
          '',
          '{]',
        ]),
      };
  }
}

export function callbackFault(
  chaos: ChaosOptions,
  musicTaskId: string,
): CallbackFaultKind | undefined {
  const { seed } = chaos;
  if (chance(seed, `callback?${musicTaskId}`) >= (chaos.callbackFaultRate ?? 0.5)) return undefined;
  return pick(seed, `callback:${musicTaskId}`, chaos.callbackFaults ?? callbackFaultKinds);
}

/** Drifts a record-info `data` without changing what it means. */
export function drift(
  chaos: ChaosOptions,
  key: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const { seed } = chaos;
  const out: Record<string, unknown> = { ...data };
  if (chance(seed, `extra:${key}`) < 0.5) {
    out.modelVersion = 'v4.5';
    out.operationType = { nested: [1, 'two', null] };
  }
  if (chance(seed, `strings:${key}`) < 0.5) {
    out.successFlag = String(out.successFlag);
    if (typeof out.errorCode === 'number') out.errorCode = String(out.errorCode);
  }
  if (chance(seed, `nulls:${key}`) < 0.5) {
    out.parentTaskId = null;
    out.callbackUrl = null;
    out.createTime = null;
    if (out.successFlag !== 3 && out.successFlag !== '3') out.errorMessage = null;
  }
  return out;
}

/**
Drifts a Market recordInfo `data` without changing what it means: extra fields, numbers
where strings were (and back), nulls where a field is empty, `resultJson` sent parsed, its
images under `images` or `imageUrls`.
*/
export function driftMarket(
  chaos: ChaosOptions,
  key: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const { seed } = chaos;
  const out: Record<string, unknown> = { ...data };
  if (chance(seed, `extra:${key}`) < 0.5) {
    out.progress = '0.50';
    out.extra = { nested: [1, 'two', null] };
  }
  if (chance(seed, `strings:${key}`) < 0.5) {
    if (out.costTime !== null) out.costTime = String(out.costTime);
    if (out.failCode !== '') out.failCode = Number(out.failCode);
  }
  if (chance(seed, `nulls:${key}`) < 0.5) {
    out.param = null;
    out.createTime = null;
    if (out.failCode === '') out.failCode = null;
    if (out.failMsg === '') out.failMsg = null;
    if (out.resultJson === '') out.resultJson = null;
  }
  if (typeof out.resultJson === 'string' && out.resultJson !== '') {
    const result = JSON.parse(out.resultJson) as { resultUrls: string[] };
    const name = pick(seed, `images:${key}`, ['resultUrls', 'images', 'imageUrls']);
    const moved = { [name]: result.resultUrls };
    out.resultJson = chance(seed, `parsed:${key}`) < 0.3 ? moved : JSON.stringify(moved);
  }
  return out;
}
