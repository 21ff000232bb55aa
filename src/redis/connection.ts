/**
The few commands the Redis store needs, over either client library the user brings: ioredis
or node-redis (the `redis` package). Typed structurally, so that neither is imported here.
*/
import { InvalidArgumentError } from 'suno-cover';

/** What the store runs against Redis. */
export interface Connection {
  /** Which library the client is from. */
  readonly library: 'ioredis' | 'node-redis';
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  /**
  Subscribes a connection of its own to `channel`. `state` hears when that connection is lost
  and when it is ready again (the libraries resubscribe by themselves on reconnect).
  */
  subscribe(
    channel: string,
    onMessage: (message: string) => void,
    state: (ready: boolean, error?: unknown) => void,
  ): { close(): void };
}

/** The parts of an ioredis client used here. */
interface IoRedisLike {
  status: string;
  options?: { keyPrefix?: string };
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  duplicate(): IoRedisLike;
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  disconnect(): void;
}

/** The parts of a node-redis client used here. */
interface NodeRedisLike {
  isOpen: boolean;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  get(key: string): Promise<string | null>;
  duplicate(): NodeRedisLike;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  destroy(): void;
}

const noop = () => {};

/** Wraps the user's client, or says `undefined` when it is neither library's. */
export function connect(client: unknown): Connection | undefined {
  if (client === null || typeof client !== 'object') return undefined;
  const candidate = client as Record<string, unknown>;
  if (typeof candidate.duplicate !== 'function' || typeof candidate.eval !== 'function')
    return undefined;
  if ('isOpen' in candidate) return nodeRedis(client as NodeRedisLike);
  if (typeof candidate.status === 'string') {
    // ioredis would prefix the keys passed to a script but not those the script builds.
    if ((client as IoRedisLike).options?.keyPrefix)
      throw new InvalidArgumentError(
        'redisStore(client): the ioredis client has a `keyPrefix`; give the store `{ prefix }` instead and a client without one',
      );
    return ioredis(client as IoRedisLike);
  }
  return undefined;
}

function ioredis(client: IoRedisLike): Connection {
  return {
    library: 'ioredis',
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
    get: (key) => client.get(key),
    subscribe(channel, onMessage, state) {
      const sub = client.duplicate();
      let closed = false;
      // Without an `error` listener ioredis reports every reconnect attempt on the console.
      sub.on('error', (error: never) => state(false, error));
      sub.on('close', () => closed || state(false));
      sub.on('ready', () => state(true));
      sub.on('message', (from: never, message: never) => {
        if (from === channel) onMessage(message);
      });
      sub.subscribe(channel).catch((error: unknown) => state(false, error));
      return {
        close() {
          closed = true;
          sub.disconnect();
        },
      };
    },
  };
}

function nodeRedis(client: NodeRedisLike): Connection {
  return {
    library: 'node-redis',
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
    get: (key) => client.get(key),
    subscribe(channel, onMessage, state) {
      const sub = client.duplicate();
      let closed = false;
      // node-redis throws an `error` event without a listener: it would end the process.
      sub.on('error', (error: never) => closed || state(false, error));
      sub.on('reconnecting', () => closed || state(false));
      sub.on('ready', () => closed || state(true));
      sub
        .connect()
        .then(() => sub.subscribe(channel, onMessage))
        .catch((error: unknown) => closed || state(false, error));
      return {
        close() {
          closed = true;
          try {
            sub.destroy();
          } catch {
            noop();
          }
        },
      };
    },
  };
}
