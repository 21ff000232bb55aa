/** Redis clients of both libraries the Redis store takes, for its tests. */
import { Redis } from 'ioredis';
import { createClient } from 'redis';

export type RedisLibrary = 'ioredis' | 'node-redis';

export interface TestRedis {
  /** The library's own client, as a user would pass it to `redisStore`. */
  client: unknown;
  close(): Promise<void>;
}

/** A connected client of `library`. Errors while Redis is down are expected: listened to. */
export async function connectRedis(library: RedisLibrary, url: string): Promise<TestRedis> {
  if (library === 'ioredis') {
    const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    client.on('error', () => {});
    return { client, close: async () => client.disconnect() };
  }
  const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect();
  return { client, close: async () => client.destroy() };
}
