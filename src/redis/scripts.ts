/**
The Lua scripts of the Redis store. Each runs atomically on the server, so "first settle",
"take a lease" and "take over a claim" are one round trip each and race-free across the fleet.
Keys other than those passed are built from the prefix inside the scripts: a single Redis
server (or a primary with replicas/Sentinel) is supported, Redis Cluster is not.
*/

/**
KEYS: outcome, listeners (zset), claim, tracked (zset), lease.
ARGV: stored JSON, outcomeTtl, instance id, claimTimeout, task id, channel, now, message.
Returns nil when this call stored the outcome (won), else the outcome that stands.
*/
export const claimScript = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
redis.call('ZREM', KEYS[4], ARGV[5])
redis.call('DEL', KEYS[5])
redis.call('PUBLISH', ARGV[6], ARGV[8])
return false
`;

/**
KEYS: claim, listeners. ARGV: instance id, task id.
Releases the claim when this instance holds it, or nobody does any more (it expired while the
listeners ran and nobody took it over: they ran, so nobody needs to).
*/
export const doneScript = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
`;

/** KEYS: claim. ARGV: instance id, claimTimeout. Extends a claim this instance holds. */
export const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/**
KEYS: tracked (zset), lease, outcome. ARGV: task id, since, instance id, pollLease, outcomeTtl.
Records a tracked task and takes its lease unless someone holds it; returns the outcome when
the task settled already.
*/
export const trackScript = `
local outcome = redis.call('GET', KEYS[3])
if outcome then return outcome end
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4], 'NX')
return false
`;

/**
KEYS: lease, outcome. ARGV: instance id, pollLease.
Returns the outcome when the task settled, 1 when this instance holds the lease now, 0 when
another one does.
*/
export const leaseScript = `
local outcome = redis.call('GET', KEYS[2])
if outcome then return outcome end
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS: tracked (zset), lease. ARGV: task id, instance id. */
export const releaseScript = `
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`;

/**
KEYS: listeners (zset), tracked (zset).
ARGV: instance id, now, claimTimeout, pollLease, prefix, limit, oldest tracked (epoch ms),
whether this instance adopts tasks (1/0).
Takes over the claims of settles whose instance stopped renewing them, and the leases of
tracked tasks whose poller stopped renewing them. Returns a flat list: 'h', task id, outcome
for each handover; 'a', task id, since for each adoption.
*/
export const maintainScript = `
local out = {}
local limit = tonumber(ARGV[6])
local taken = 0
local ids = redis.call('ZRANGE', KEYS[1], 0, 199)
for _, id in ipairs(ids) do
  local claim = ARGV[5] .. 'claim:' .. id
  if redis.call('EXISTS', claim) == 0 then
    local outcome = redis.call('GET', ARGV[5] .. 'outcome:' .. id)
    if outcome then
      if taken < limit then
        redis.call('SET', claim, ARGV[1], 'PX', ARGV[3])
        table.insert(out, 'h')
        table.insert(out, id)
        table.insert(out, outcome)
        taken = taken + 1
      end
    else
      redis.call('ZREM', KEYS[1], id)
    end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
if ARGV[8] == '1' then
  local tracked = redis.call('ZRANGE', KEYS[2], 0, 199, 'WITHSCORES')
  taken = 0
  for i = 1, #tracked, 2 do
    local id = tracked[i]
    local lease = ARGV[5] .. 'lease:' .. id
    if taken < limit and redis.call('EXISTS', lease) == 0 then
      if redis.call('EXISTS', ARGV[5] .. 'outcome:' .. id) == 1 then
        redis.call('ZREM', KEYS[2], id)
      else
        redis.call('SET', lease, ARGV[1], 'PX', ARGV[4])
        table.insert(out, 'a')
        table.insert(out, id)
        table.insert(out, tracked[i + 1])
        taken = taken + 1
      end
    end
  end
end
return out
`;
