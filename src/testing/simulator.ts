/**
A real HTTP server on 127.0.0.1 that behaves like the cover API's hosts as they are
documented: the envelope with body codes (errors as HTTP 200 with a body code, as real
hosts do), Bearer auth, one cover per music task, the task lifecycle, callbacks (signed
with kie.ai's scheme when a key is set, retried when the receiver does not answer 200),
and the images themselves as PNGs. Both routes: the legacy `/api/v1/suno/cover/*` and
kie.ai's Market `/api/v1/jobs/*` (Market records and callbacks for tasks submitted there).
Node only.
*/
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { signCoverCallback } from 'suno-cover';
import {
  apiFault,
  type CallbackFaultKind,
  type ChaosOptions,
  callbackFault,
  drift,
  driftMarket,
} from './chaos.js';
import { type ImageFault, serveImage } from './images.js';
import { coverPng } from './png.js';

/**
The endpoints the simulator serves, by the names its knobs use. kie.ai's Market route
shares the knobs of the legacy one: `'generate'` is also `POST /api/v1/jobs/createTask`,
`'record-info'` also `GET /api/v1/jobs/recordInfo`.
*/
export type SimulatorEndpoint = 'generate' | 'record-info' | 'credit' | 'image';

/**
A fault to inject on an endpoint's next answers, before anything else is checked.
With none of `body`, `hang` or `reset`, it answers the envelope `{ code, msg, data: null }`.
*/
export interface SimulatorFault {
  /** HTTP status of the answer. @default 200 */
  status?: number | undefined;
  /** Body code of the envelope. @default status, or 500 when status is 200 */
  code?: number | undefined;
  /** Body msg. @default 'Simulated failure' */
  msg?: string | undefined;
  /** A `Retry-After` header to send (seconds, or an HTTP date string). */
  retryAfter?: number | string | undefined;
  /** A raw body to send in place of the envelope (e.g. malformed JSON). */
  body?: string | undefined;
  /** Never answer; the connection stays open until the client gives up or the simulator closes. */
  hang?: boolean | undefined;
  /** Destroy the connection without an answer. */
  reset?: boolean | undefined;
  /** Extra response headers, e.g. `{ location: '…' }` with a 3xx `status`, or a false `content-length`. */
  headers?: Record<string, string> | undefined;
  /** Send the headers at once, then the body one byte every `trickle` ms (a stalling host). */
  trickle?: number | undefined;
  /** Send the headers, then an endless body (64 KiB chunks) until the client goes away. */
  endless?: boolean | undefined;
  /** How many answers this fault applies to. @default 1 */
  times?: number | undefined;
}

/** How the simulator plays out the cover task of one music task. */
export interface CoverScenario {
  /**
  `'success'`, or a failure with the callback code it reports (400, 408, 500, 501, 531…).
  @default 'success'
  */
  outcome?: 'success' | { code: number; msg?: string };
  /** How many images a success has. @default 2 */
  images?: number;
  /** `'drop'` never sends the callback (a firewall, a lost request). @default 'deliver' */
  callback?: 'deliver' | 'drop';
  /** How long the task stays pending (flag 0), in ms. @default the simulator's `pendingMs` */
  pendingMs?: number;
  /** How long the task stays generating (flag 2), in ms. @default the simulator's `generatingMs` */
  generatingMs?: number;
  /**
  How long record-info does not know the new task, in ms: it answers as for an unknown task
  (see `unknownTask`), as sunoapi.org was seen to right after a generate answer.
  @default 0
  */
  unknownMs?: number;
}

export interface CoverSimulatorOptions {
  /** The API key the simulator accepts. @default 'sim-test-key' */
  apiKey?: string;
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  port?: number;
  /** Credits the account starts with. @default 100 */
  credits?: number;
  /** Credits one cover costs (the real cost is undocumented). @default 1 */
  coverCost?: number;
  /** How long a new task stays pending, in ms. @default 100 */
  pendingMs?: number;
  /** How long a task stays generating, in ms. @default 200 */
  generatingMs?: number;
  /** Sign callbacks with kie.ai's scheme using this key. @default undefined (unsigned) */
  webhookHmacKey?: string;
  /**
  Delays before re-sending a callback the receiver did not answer with 200, in ms. Real
  hosts retry up to 3 times (one at 1, 5 and 15 minutes); the default is faster.
  @default [200, 1000, 3000]
  */
  callbackRetryDelays?: readonly number[];
  /** How long the simulator waits for a callback receiver's answer, in ms. @default 15_000 */
  callbackTimeout?: number;
  /** Music task ids that exist; `'any'` accepts every id. @default 'any' */
  musicTasks?: 'any' | readonly string[];
  /** Added to every API answer, in ms. @default 0 */
  latency?: number;
  /**
  How record-info answers an unknown cover task id: HTTP 200 with code 422 "Record does not
  exist", with code 404, or with `data: null`. Hosts are seen to do each.
  @default 'code-422'
  */
  unknownTask?: 'code-422' | 'code-404' | 'null-data';
  /** The code of the "cover already generated" answer. @default 400 */
  existingCoverCode?: 400 | 409;
  /** Makes task ids differ between simulators. @default 'sim' */
  seed?: string;
  /**
  Seeded, reproducible faults on every endpoint and on callback delivery (see
  `ChaosOptions`). Explicit `fail()` faults still come first.
  @default undefined (no chaos)
  */
  chaos?: ChaosOptions;
}

/** A request the simulator received. The key itself is never recorded. */
export interface SimulatorRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Whether the Bearer key was right. */
  authorized: boolean;
  at: number;
}

/** One attempt to deliver a callback. */
export interface CallbackAttempt {
  taskId: string;
  url: string;
  attempt: number;
  body: unknown;
  headers: Record<string, string>;
  /** The receiver's HTTP status, or `undefined` when it did not answer. */
  status: number | undefined;
  error: string | undefined;
  at: number;
}

/** A cover task as the simulator holds it. */
export interface SimulatedTask {
  taskId: string;
  /**
  The route it was submitted on: its callback has that route's shape (`data.images`, or
  the Market task record with `state` and `resultJson`). Both record paths answer for it.
  */
  api: 'legacy' | 'market';
  parentTaskId: string;
  callbackUrl: string;
  successFlag: 0 | 1 | 2 | 3;
  images: string[];
  errorCode: number | null;
  errorMessage: string | null;
  createTime: string;
  completeTime: string | null;
  scenario: Required<Pick<CoverScenario, 'images' | 'callback' | 'pendingMs' | 'generatingMs'>> & {
    outcome: CoverScenario['outcome'];
  };
  /** How chaos mode makes this task's callback misbehave, if it does. */
  callbackFault: CallbackFaultKind | undefined;
}

export interface CoverSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass it as `baseUrl`. */
  readonly url: string;
  /** The key the simulator accepts: pass it as `apiKey`. */
  readonly apiKey: string;
  /** Every request received, oldest first. */
  readonly requests: readonly SimulatorRequest[];
  /** Every callback delivery attempt, oldest first. */
  readonly callbacks: readonly CallbackAttempt[];
  /**
  A ready client configuration for this simulator: its key and URL, and polling every
  100 ms (a task here ends in ~300 ms; the 30 s default would make every test wait).
  @example
  const suno = new SunoCover(sim.clientOptions);
  const { images } = await suno.covers.generateAndWait({ taskId: 'music-1' }); // well under a second
  */
  readonly clientOptions: { apiKey: string; baseUrl: string; pollInterval: number };
  /** Remaining credits. */
  credits: number;
  /** Decides how the cover task of `musicTaskId` will play out; call before generating. */
  scenario(musicTaskId: string, scenario: CoverScenario): void;
  /** Injects a fault into the next answer(s) of an endpoint; faults queue up. */
  fail(endpoint: SimulatorEndpoint, fault?: SimulatorFault): void;
  /** Makes the image server misbehave on its next answer(s) (see `ImageFault`); faults queue up. */
  failImage(fault: ImageFault): void;
  /** A snapshot of a cover task, by cover task id. */
  task(coverTaskId: string): SimulatedTask | undefined;
  /** Resolves when no task is still running and no callback is still being delivered. */
  idle(): Promise<void>;
  /** Stops the server, every timer and every delivery. */
  close(): Promise<void>;
}

const generatePath = '/api/v1/suno/cover/generate';
const recordInfoPath = '/api/v1/suno/cover/record-info';
const createTaskPath = '/api/v1/jobs/createTask';
const marketRecordPath = '/api/v1/jobs/recordInfo';
const marketModel = 'ai-music-api/cover-generate';
const creditPaths = new Set(['/api/v1/generate/credit', '/api/v1/chat/credit']);

/** What an endpoint answers, before chaos may intervene. */
interface Answer {
  code: number;
  msg: string;
  data: unknown;
  /** Hold the answer back this long, in ms. */
  delay: number;
}

const failureMessages: Record<number, string> = {
  400: 'Validation error - Request parameters invalid',
  408: 'Rate limited - Timeout',
  500: 'Server error - Unexpected error occurred while processing request',
  501: 'Cover generation failed',
  531: 'Server error - Sorry, generation failed due to an issue. Your credits have been refunded. Please try again',
};

/**
Starts a simulator on 127.0.0.1.

@example
```ts
import { createCoverSimulator } from 'suno-cover/testing';
const sim = await createCoverSimulator();
const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url });
// …
await sim.close();
```
*/
export async function createCoverSimulator(
  options: CoverSimulatorOptions = {},
): Promise<CoverSimulator> {
  const apiKey = options.apiKey ?? 'sim-test-key';
  const seed = options.seed ?? 'sim';
  const pendingMs = options.pendingMs ?? 100;
  const generatingMs = options.generatingMs ?? 200;
  const retryDelays = options.callbackRetryDelays ?? [200, 1000, 3000];
  const callbackTimeout = options.callbackTimeout ?? 15_000;
  const latency = options.latency ?? 0;
  const coverCost = options.coverCost ?? 1;
  const knownMusic =
    options.musicTasks === undefined || options.musicTasks === 'any'
      ? undefined
      : new Set(options.musicTasks);

  const tasks = new Map<string, SimulatedTask>();
  const coverOfMusic = new Map<string, string>();
  const scenarios = new Map<string, CoverScenario>();
  const faults = new Map<SimulatorEndpoint, SimulatorFault[]>();
  const requests: SimulatorRequest[] = [];
  const callbacks: CallbackAttempt[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const sockets = new Set<Socket>();
  const deliveries = new AbortController();
  let busy = 0;
  let idleWaiters: (() => void)[] = [];
  let counter = 0;
  let closed = false;
  const { chaos } = options;
  const asked = new Map<string, number>();

  const state = { credits: options.credits ?? 100 };

  function later(ms: number, run: () => void): void {
    busy++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        run();
      } finally {
        done();
      }
    }, ms);
    timers.add(timer);
  }

  function done(): void {
    busy--;
    if (busy === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function newTaskId(): string {
    counter++;
    return createHash('md5').update(`${seed}:${counter}`).digest('hex');
  }

  function imageUrl(taskId: string, index: number): string {
    return `${simulator.url}/images/${taskId}/${index + 1}.png`;
  }

  function startLifecycle(task: SimulatedTask): void {
    later(task.scenario.pendingMs, () => {
      if (task.successFlag === 0) task.successFlag = 2;
      later(task.scenario.generatingMs, () => complete(task));
    });
  }

  function complete(task: SimulatedTask): void {
    const { outcome } = task.scenario;
    task.completeTime = new Date().toISOString();
    if (outcome === undefined || outcome === 'success') {
      task.successFlag = 1;
      task.images = Array.from({ length: task.scenario.images }, (_, i) =>
        imageUrl(task.taskId, i),
      );
      task.errorCode = 200;
      task.errorMessage = '';
    } else {
      task.successFlag = 3;
      task.errorCode = outcome.code;
      task.errorMessage = outcome.msg ?? failureMessages[outcome.code] ?? 'Cover generation failed';
    }
    const body = callbackBody(task);
    if (task.scenario.callback !== 'deliver' || isUndeliverable(task.callbackUrl)) return;
    switch (task.callbackFault) {
      case 'delay':
        later(chaos?.delayMs ?? 1_000, () => deliver(task, body, 1));
        return;
      case 'duplicate':
        deliver(task, body, 1, { onDelivered: () => deliver(task, body, 2) });
        return;
      case 'contradict':
        // A misbehaving host: after the real callback, one that says the opposite.
        deliver(task, body, 1, { onDelivered: () => deliver(task, contradiction(task), 2) });
        return;
      case 'impatient':
        // The host gives up on the receiver at once, and so sends the callback again.
        deliver(task, body, 1, { timeout: 1 });
        return;
      default:
        deliver(task, body, 1);
    }
  }

  /** The callback of a finished task, in the shape of the route it was submitted on. */
  function callbackBody(task: SimulatedTask): unknown {
    const succeeded = task.successFlag === 1;
    const code = succeeded ? 200 : (task.errorCode ?? 501);
    const msg = succeeded ? 'success' : (task.errorMessage ?? '');
    if (task.api === 'market') return { code, msg, data: marketRecord(task) };
    return { code, msg, data: { taskId: task.taskId, images: succeeded ? task.images : null } };
  }

  function contradiction(task: SimulatedTask): unknown {
    // The opposite outcome, in the same shape.
    const opposite: SimulatedTask =
      task.successFlag === 1
        ? {
            ...task,
            successFlag: 3,
            images: [],
            errorCode: 501,
            errorMessage: 'Cover generation failed',
          }
        : { ...task, successFlag: 1, images: [imageUrl(task.taskId, 0)], errorCode: 200 };
    return callbackBody(opposite);
  }

  /** A task as kie.ai's Market record: `state`, `resultJson` and `param` as JSON strings, epoch ms. */
  function marketRecord(task: SimulatedTask): Record<string, unknown> {
    const created = Date.parse(task.createTime);
    const completed = task.completeTime === null ? null : Date.parse(task.completeTime);
    const { successFlag } = task;
    const state =
      successFlag === 1
        ? 'success'
        : successFlag === 3
          ? 'fail'
          : successFlag === 2
            ? 'generating'
            : // The pending time is split between the two states the Market names.
              Date.now() - created < task.scenario.pendingMs / 2
              ? 'waiting'
              : 'queuing';
    return {
      taskId: task.taskId,
      model: marketModel,
      state,
      param: JSON.stringify({
        model: marketModel,
        callBackUrl: task.callbackUrl,
        input: { task_id: task.parentTaskId },
      }),
      resultJson: successFlag === 1 ? JSON.stringify({ resultUrls: task.images }) : '',
      failCode: successFlag === 3 ? String(task.errorCode) : '',
      failMsg: successFlag === 3 ? (task.errorMessage ?? '') : '',
      costTime: completed === null ? null : completed - created,
      completeTime: completed,
      createTime: created,
      updateTime: completed ?? Date.now(),
    };
  }

  function deliver(
    task: SimulatedTask,
    body: unknown,
    attempt: number,
    how: { timeout?: number | undefined; onDelivered?: (() => void) | undefined } = {},
  ): void {
    busy++;
    void (async () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.webhookHmacKey) {
        Object.assign(
          headers,
          await signCoverCallback({ taskId: task.taskId, secret: options.webhookHmacKey }),
        );
      }
      const record: CallbackAttempt = {
        taskId: task.taskId,
        url: task.callbackUrl,
        attempt,
        body,
        headers,
        status: undefined,
        error: undefined,
        at: Date.now(),
      };
      callbacks.push(record);
      try {
        const response = await fetch(task.callbackUrl, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.any([
            deliveries.signal,
            AbortSignal.timeout(how.timeout ?? callbackTimeout),
          ]),
        });
        record.status = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      if (closed) return;
      if (record.status === 200) {
        how.onDelivered?.();
        return;
      }
      const delay = retryDelays[attempt - 1];
      if (delay !== undefined)
        later(delay, () => deliver(task, body, attempt + 1, { ...how, timeout: undefined }));
    })().finally(done);
  }

  function takeFault(endpoint: SimulatorEndpoint): SimulatorFault | undefined {
    const queue = faults.get(endpoint);
    const fault = queue?.[0];
    if (!fault || !queue) return undefined;
    const times = (fault.times ?? 1) - 1;
    if (times <= 0) queue.shift();
    else queue[0] = { ...fault, times };
    return fault;
  }

  const imageFaults: ImageFault[] = [];
  function takeImageFault(): ImageFault | undefined {
    const fault = imageFaults[0];
    if (fault && (fault.times ?? 1) <= 1) imageFaults.shift();
    else if (fault) imageFaults[0] = { ...fault, times: (fault.times ?? 1) - 1 };
    return fault;
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const write = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    if (latency > 0) later(latency, write);
    else write();
  }

  function answer(code: number, msg: string, data: unknown = null, delay = 0): Answer {
    return { code, msg, data, delay };
  }

  function envelope(res: ServerResponse, code: number, msg: string, data: unknown = null): void {
    send(res, 200, { code, msg, data });
  }

  /** A body that trickles or never ends; stops when the client or the simulator closes. */
  function streamFault(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    fault: SimulatorFault,
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.flushHeaders();
    const text = JSON.stringify({ code: 200, msg: 'success', data: 0 });
    const chunk = new Uint8Array(64 * 1024).fill(32);
    let sent = 0;
    const next = () => {
      if (res.destroyed || closed) return;
      if (fault.endless) {
        // Wait for the socket to drain, as a real server would.
        if (res.write(chunk)) setImmediate(next);
        else res.once('drain', next);
        return;
      }
      if (sent >= text.length) {
        res.end();
        return;
      }
      res.write(text[sent++] as string);
      later(fault.trickle ?? 1000, next);
    };
    next();
  }

  function applyFault(res: ServerResponse, fault: SimulatorFault): void {
    if (fault.reset) {
      res.socket?.destroy();
      return;
    }
    if (fault.hang) return; // closed by the client's timeout or by close()
    const status = fault.status ?? 200;
    const headers: Record<string, string> = {
      ...(fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) }),
      ...fault.headers,
    };
    if (fault.trickle !== undefined || fault.endless) {
      streamFault(res, status, headers, fault);
      return;
    }
    if (fault.body !== undefined) {
      send(res, status, fault.body, headers);
      return;
    }
    const code = fault.code ?? (status === 200 ? 500 : status);
    send(res, status, { code, msg: fault.msg ?? 'Simulated failure', data: null }, headers);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function handleGenerate(body: unknown, api: 'legacy' | 'market'): Answer {
    const fields = (body ?? {}) as {
      taskId?: unknown;
      callBackUrl?: unknown;
      model?: unknown;
      input?: { task_id?: unknown } | null;
    };
    const { callBackUrl } = fields;
    const taskId = api === 'market' ? fields.input?.task_id : fields.taskId;
    if (api === 'market' && fields.model !== marketModel)
      return answer(422, `model must be "${marketModel}"`);
    if (typeof taskId !== 'string' || taskId === '')
      return answer(
        api === 'market' ? 422 : 400,
        `${api === 'market' ? 'input.task_id' : 'taskId'} is required`,
      );
    if (typeof callBackUrl !== 'string' || callBackUrl === '')
      return answer(api === 'market' ? 422 : 400, 'callBackUrl is required');
    if (knownMusic && !knownMusic.has(taskId)) return answer(404, 'Music task not found');
    const existing = coverOfMusic.get(taskId);
    if (existing) {
      const code = options.existingCoverCode ?? 400;
      return answer(code, 'Cover already generated', { taskId: existing });
    }
    if (state.credits < coverCost) return answer(402, 'Insufficient credits');
    state.credits -= coverCost;
    const scenario = scenarios.get(taskId) ?? {};
    const fault = chaos ? callbackFault(chaos, taskId) : undefined;
    const early = fault === 'early';
    const task: SimulatedTask = {
      taskId: newTaskId(),
      api,
      parentTaskId: taskId,
      callbackUrl: callBackUrl,
      successFlag: 0,
      images: [],
      errorCode: null,
      errorMessage: null,
      createTime: new Date().toISOString(),
      completeTime: null,
      scenario: {
        outcome: scenario.outcome,
        images: scenario.images ?? 2,
        callback: fault === 'drop' ? 'drop' : (scenario.callback ?? 'deliver'),
        pendingMs: early ? 0 : (scenario.pendingMs ?? pendingMs),
        generatingMs: early ? 0 : (scenario.generatingMs ?? generatingMs),
      },
      callbackFault: fault,
    };
    tasks.set(task.taskId, task);
    coverOfMusic.set(taskId, task.taskId);
    if (task.scenario.outcome !== 'success' && task.scenario.outcome !== undefined) {
      // A refunded failure gives the credits back, as the hosts say for code 531.
      if (task.scenario.outcome.code === 531) state.credits += coverCost;
    }
    startLifecycle(task);
    // An `early` task's callback is sent before this answer arrives.
    return answer(200, 'success', { taskId: task.taskId }, early ? 150 : 0);
  }

  function handleRecordInfo(
    taskId: string | undefined,
    key: string,
    api: 'legacy' | 'market',
  ): Answer {
    const task = taskId ? tasks.get(taskId) : undefined;
    const unknownMs = task && scenarios.get(task.parentTaskId)?.unknownMs;
    if (!task || (unknownMs && Date.now() - Date.parse(task.createTime) < unknownMs)) {
      const mode = options.unknownTask ?? 'code-422';
      if (mode === 'null-data') return answer(200, 'success', null);
      return answer(mode === 'code-404' ? 404 : 422, 'Record does not exist');
    }
    if (api === 'market') {
      const record = marketRecord(task);
      return answer(
        200,
        'success',
        chaos?.drift === false || !chaos ? record : driftMarket(chaos, key, record),
      );
    }
    const data = {
      taskId: task.taskId,
      parentTaskId: task.parentTaskId,
      callbackUrl: task.callbackUrl,
      completeTime: task.completeTime,
      response: task.successFlag === 1 ? { images: task.images } : null,
      successFlag: task.successFlag,
      createTime: task.createTime,
      errorCode: task.errorCode,
      errorMessage: task.errorMessage,
    };
    return answer(
      200,
      'success',
      chaos?.drift === false || !chaos ? data : drift(chaos, key, data),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const authorized = req.headers.authorization === `Bearer ${apiKey}`;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorized,
      at: Date.now(),
    });

    const image = /^\/images\/([0-9a-f]+)\/(\d+)\.png$/.exec(url.pathname);
    const api =
      url.pathname === createTaskPath || url.pathname === marketRecordPath ? 'market' : 'legacy';
    const endpoint: SimulatorEndpoint | undefined =
      url.pathname === generatePath || url.pathname === createTaskPath
        ? 'generate'
        : url.pathname === recordInfoPath || url.pathname === marketRecordPath
          ? 'record-info'
          : creditPaths.has(url.pathname)
            ? 'credit'
            : image
              ? 'image'
              : undefined;
    const fault = endpoint && takeFault(endpoint);
    if (fault) return applyFault(res, fault);

    if (image) {
      const task = tasks.get(image[1] as string);
      const index = Number(image[2]);
      if (task?.successFlag !== 1 || index < 1 || index > task.images.length) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      serveImage(res, coverPng(`${task.taskId}/${index}`), takeImageFault(), later);
      return;
    }
    if (!endpoint)
      return send(res, 404, {
        code: 404,
        msg: `No route ${req.method} ${url.pathname}`,
        data: null,
      });
    // Real hosts answer a bad key with HTTP 200 and body code 401.
    if (!authorized) return envelope(res, 401, 'Unauthorized: invalid or missing API key');
    const expected = endpoint === 'generate' ? 'POST' : 'GET';
    if (req.method !== expected)
      return send(res, 405, { code: 405, msg: 'Method not allowed', data: null });
    const key = chaosKey(endpoint, url, body);
    const chaosFault = chaos ? apiFault(chaos, key) : undefined;
    // A fault after processing: the task is made, but its answer is lost on the way.
    if (chaosFault && !(endpoint === 'generate' && chaosFault.afterProcessing))
      return applyFault(res, chaosFault);
    let result: Answer;
    if (endpoint === 'generate') {
      result =
        typeof body === 'string'
          ? answer(400, 'Body is not valid JSON')
          : handleGenerate(body, api);
    } else if (endpoint === 'record-info') {
      result = handleRecordInfo(url.searchParams.get('taskId') ?? undefined, key, api);
    } else {
      result = answer(200, 'success', state.credits);
    }
    if (chaosFault) return applyFault(res, chaosFault);
    const reply = () => envelope(res, result.code, result.msg, result.data);
    if (result.delay > 0) later(result.delay, reply);
    else reply();
  }

  /** A key naming this request for chaos: endpoint, task, and how many times it was asked. */
  function chaosKey(endpoint: SimulatorEndpoint, url: URL, body: unknown): string {
    const id =
      endpoint === 'record-info'
        ? url.searchParams.get('taskId')
        : endpoint === 'generate'
          ? // The music task id, on either route: the same task meets the same chaos.
            ((body as { taskId?: unknown; input?: { task_id?: unknown } } | undefined)?.taskId ??
            (body as { input?: { task_id?: unknown } | null } | undefined)?.input?.task_id)
          : '';
    const name = `${endpoint}:${String(id)}`;
    const count = (asked.get(name) ?? 0) + 1;
    asked.set(name, count);
    return `${name}:${count}`;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed)
        send(res, 500, { code: 500, msg: String(error), data: null });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const simulator: CoverSimulator = {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    get clientOptions() {
      return { apiKey, baseUrl: `http://127.0.0.1:${port}`, pollInterval: 100 };
    },
    requests,
    callbacks,
    get credits() {
      return state.credits;
    },
    set credits(value: number) {
      state.credits = value;
    },
    scenario(musicTaskId, scenario) {
      scenarios.set(musicTaskId, scenario);
    },
    fail(endpoint, fault = {}) {
      const queue = faults.get(endpoint) ?? [];
      queue.push(fault);
      faults.set(endpoint, queue);
    },
    failImage(fault) {
      imageFaults.push(fault);
    },
    task(coverTaskId) {
      const task = tasks.get(coverTaskId);
      return task && structuredClone(task);
    },
    idle() {
      return closed || busy === 0
        ? Promise.resolve()
        : new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      deliveries.abort();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      busy = 0;
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
  return simulator;
}

/** `.invalid` hosts never resolve; the SDK uses one when no callback URL was given. */
function isUndeliverable(url: string): boolean {
  try {
    return new URL(url).hostname.endsWith('.invalid');
  } catch {
    return true;
  }
}
