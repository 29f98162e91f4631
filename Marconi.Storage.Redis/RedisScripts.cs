namespace Marconi.Storage.Redis;

/// <summary>
/// The Lua scripts that make each change atomic on the server. KEYS[1] is the queue's key prefix (its hash tag), KEYS[2]
/// the project's catalog, KEYS[3] the project's sequence counter, KEYS[4] (claims only) the dead-letter queue's prefix:
/// all under the project's hash tag, so each script runs in one Redis Cluster slot. Times are milliseconds from the
/// store's clock, passed in ARGV so every node and the tests' fake clock agree on "now".
/// </summary>
/// <remarks>
/// A message is the hash <c>P m:SEQ</c>: b body, c created, e expires, t ttl, d delay, k client, cl claim (0 none),
/// ce claim expires, n claim count. <c>P idx</c> orders the live sequences (FIFO). One counter per project issues the
/// sequences of its messages, claims and subscriptions, so an id is unique across the project's queues and never
/// reused, even after a queue is deleted and created again (the counter is never deleted).
/// </remarks>
internal static class RedisScripts
{
    // Shared helpers: a message's tuple as the store reads it back, and the liveness rules of MessageEntry.
    private const string Prelude = """
        local P = KEYS[1]
        local unpack = unpack or table.unpack
        local SEQ = KEYS[3]
        local function num(v) return tonumber(v) or 0 end
        local function state(s)
          local f = redis.call('HMGET', P .. 'm:' .. s, 'e', 'cl', 'ce', 'd', 'c', 'n')
          if not f[1] then return nil end
          return { e = num(f[1]), cl = num(f[2]), ce = num(f[3]), d = num(f[4]), c = num(f[5]), n = num(f[6]) }
        end
        local function claimed(m, now) return m.cl ~= 0 and m.ce > now end
        local function delayed(m, now) return m.d > 0 and m.c + m.d * 1000 > now end
        local function emit(out, s, now)
          local f = redis.call('HMGET', P .. 'm:' .. s, 'b', 'c', 't', 'k', 'cl', 'ce', 'n')
          local claim = 0
          if num(f[5]) ~= 0 and num(f[6]) > now then claim = f[5] end
          out[#out + 1] = s; out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = f[3]
          out[#out + 1] = f[4]; out[#out + 1] = claim; out[#out + 1] = f[7]
        end
        local function remove(s)
          redis.call('DEL', P .. 'm:' .. s)
          redis.call('ZREM', P .. 'idx', s)
        end
        local function ensure(prefix, catalog, name)
          if redis.call('EXISTS', prefix .. 'meta') == 0 then
            redis.call('SET', prefix .. 'meta', '{}')
            redis.call('ZADD', catalog, 0, name)
          end
        end

        """;

    /// <summary>ARGV: meta, name. Returns 1 when created, 0 when it existed.</summary>
    public const string CreateQueue = Prelude + """
        if redis.call('EXISTS', P .. 'meta') == 1 then return 0 end
        redis.call('SET', P .. 'meta', ARGV[1])
        redis.call('ZADD', KEYS[2], 0, ARGV[2])
        return 1
        """;

    /// <summary>ARGV: expected meta, new meta. Returns -1 when missing, 0 when changed meanwhile, 1 when set.</summary>
    public const string SetMetadata = Prelude + """
        local current = redis.call('GET', P .. 'meta')
        if not current then return -1 end
        if current ~= ARGV[1] then return 0 end
        redis.call('SET', P .. 'meta', ARGV[2])
        return 1
        """;

    private const string DropMessagesAndClaims = """
        local function drop()
          for _, s in ipairs(redis.call('ZRANGE', P .. 'idx', 0, -1)) do redis.call('DEL', P .. 'm:' .. s) end
          for _, c in ipairs(redis.call('SMEMBERS', P .. 'claims')) do redis.call('DEL', P .. 'c:' .. c) end
          redis.call('DEL', P .. 'idx', P .. 'claims')
        end
        local function dropSubscriptions()
          for _, s in ipairs(redis.call('ZRANGE', P .. 'sidx', 0, -1)) do redis.call('DEL', P .. 's:' .. s) end
          redis.call('DEL', P .. 'sidx', P .. 'subs')
        end

        """;

    /// <summary>ARGV: name. Returns 1 when deleted, 0 when missing.</summary>
    public const string DeleteQueue = Prelude + DropMessagesAndClaims + """
        if redis.call('EXISTS', P .. 'meta') == 0 then return 0 end
        drop()
        dropSubscriptions()
        redis.call('DEL', P .. 'meta')
        redis.call('ZREM', KEYS[2], ARGV[1])
        return 1
        """;

    /// <summary>No ARGV. Removes every message and claim.</summary>
    public const string PurgeQueue = Prelude + DropMessagesAndClaims + """
        if redis.call('EXISTS', P .. 'meta') == 1 then drop() end
        return 1
        """;

    /// <summary>No ARGV. Removes every subscription.</summary>
    public const string PurgeSubscriptions = Prelude + DropMessagesAndClaims + """
        if redis.call('EXISTS', P .. 'meta') == 1 then dropSubscriptions() end
        return 1
        """;

    /// <summary>ARGV: now. Returns claimed, free, oldest seq, oldest created, newest seq, newest created.</summary>
    public const string Stats = Prelude + """
        local now = num(ARGV[1])
        local claimedCount, free, os, oc, ns, nc = 0, 0, 0, 0, 0, 0
        for _, s in ipairs(redis.call('ZRANGE', P .. 'idx', 0, -1)) do
          local m = state(s)
          if m and m.e > now then
            if claimed(m, now) then claimedCount = claimedCount + 1 else free = free + 1 end
            if os == 0 then os = s; oc = m.c end
            ns = s; nc = m.c
          end
        end
        return { claimedCount, free, os, oc, ns, nc }
        """;

    /// <summary>ARGV: now, client, name, count, then ttl, delay, body per message. Returns the sequences.</summary>
    public const string Post = Prelude + """
        local now = num(ARGV[1])
        ensure(P, KEYS[2], ARGV[3])
        local count = num(ARGV[4])
        local first = redis.call('INCRBY', SEQ, count) - count
        local ids = {}
        for i = 1, count do
          local s = first + i
          local base = 4 + (i - 1) * 3
          local ttl = num(ARGV[base + 1])
          redis.call('HSET', P .. 'm:' .. s, 'b', ARGV[base + 3], 'c', now, 'e', now + ttl * 1000, 't', ttl,
            'd', ARGV[base + 2], 'k', ARGV[2], 'cl', 0, 'ce', 0, 'n', 0)
          redis.call('ZADD', P .. 'idx', s, s)
          ids[i] = s
        end
        return ids
        """;

    /// <summary>ARGV: now, after seq, limit, own client ('' with echo), include claimed, include delayed (1/0).</summary>
    public const string List = Prelude + """
        local now = num(ARGV[1])
        local limit = num(ARGV[3])
        local out = {}
        local found = 0
        local after = '(' .. ARGV[2]
        while found < limit do
          local batch = redis.call('ZRANGEBYSCORE', P .. 'idx', after, '+inf', 'LIMIT', 0, 100)
          if #batch == 0 then break end
          for _, s in ipairs(batch) do
            after = '(' .. s
            local m = state(s)
            if m and m.e > now and (ARGV[5] == '1' or not claimed(m, now)) and (ARGV[6] == '1' or not delayed(m, now))
              and (ARGV[4] == '' or redis.call('HGET', P .. 'm:' .. s, 'k') ~= ARGV[4]) then
              emit(out, s, now)
              found = found + 1
              if found == limit then break end
            end
          end
        end
        return out
        """;

    /// <summary>ARGV: now, then sequences. Returns the live ones, in the order asked.</summary>
    public const string Get = Prelude + """
        local now = num(ARGV[1])
        local out = {}
        for i = 2, #ARGV do
          local m = state(ARGV[i])
          if m and m.e > now then emit(out, ARGV[i], now) end
        end
        return out
        """;

    /// <summary>ARGV: now, seq, claim seq (0 when none given). 1 deleted, 0 missing, -1 claim required, -2 mismatch.</summary>
    public const string DeleteOne = Prelude + """
        local now = num(ARGV[1])
        local m = state(ARGV[2])
        if not m or m.e <= now then return 0 end
        local given = num(ARGV[3])
        if claimed(m, now) then
          if given == 0 then return -1 end
          if m.cl ~= given then return -2 end
        elseif given ~= 0 then
          return -2
        end
        remove(ARGV[2])
        return 1
        """;

    /// <summary>ARGV: now, then distinct sequences. Returns how many live ones were deleted.</summary>
    public const string DeleteMany = Prelude + """
        local now = num(ARGV[1])
        local deleted = 0
        for i = 2, #ARGV do
          local m = state(ARGV[i])
          if m and m.e > now then remove(ARGV[i]); deleted = deleted + 1 end
        end
        return deleted
        """;

    /// <summary>ARGV: now, limit. Takes and deletes the oldest free messages; returns them.</summary>
    public const string Pop = Prelude + """
        local now = num(ARGV[1])
        local limit = num(ARGV[2])
        local out, taken = {}, {}
        for _, s in ipairs(redis.call('ZRANGE', P .. 'idx', 0, -1)) do
          if #taken == limit then break end
          local m = state(s)
          if m and m.e > now and not claimed(m, now) and not delayed(m, now) then
            emit(out, s, now)
            taken[#taken + 1] = s
          end
        end
        for _, s in ipairs(taken) do remove(s) end
        return out
        """;

    /// <summary>
    /// ARGV: now, ttl, grace, limit, expected meta, max claim count (0: no dead-letter queue), dead-letter queue name,
    /// dead-letter ttl (-1: keep). Returns {0} when nothing was claimed, {-1} when the metadata changed meanwhile,
    /// else the claim's sequence followed by the claimed messages.
    /// </summary>
    public const string Claim = Prelude + """
        local now = num(ARGV[1])
        local ttl, grace, limit = num(ARGV[2]), num(ARGV[3]), num(ARGV[4])
        local meta = redis.call('GET', P .. 'meta')
        if not meta then return { 0 } end
        if meta ~= ARGV[5] then return { -1 } end
        local maxClaims = num(ARGV[6])
        local selected, moving, expired = {}, {}, {}
        for _, s in ipairs(redis.call('ZRANGE', P .. 'idx', 0, -1)) do
          if #selected == limit then break end
          local m = state(s)
          if not m or m.e <= now then
            expired[#expired + 1] = s
          elseif not claimed(m, now) and not delayed(m, now) then
            if maxClaims > 0 and m.n >= maxClaims then moving[#moving + 1] = s else selected[#selected + 1] = s end
          end
        end
        -- Expired messages met on the way are swept here, so the index does not grow with dead entries.
        for _, s in ipairs(expired) do remove(s) end
        if #moving > 0 then
          local D = KEYS[4]
          ensure(D, KEYS[2], ARGV[7])
          local dlqTtl = num(ARGV[8])
          for _, s in ipairs(moving) do
            local f = redis.call('HGETALL', P .. 'm:' .. s)
            local to = redis.call('INCR', SEQ)
            redis.call('HSET', D .. 'm:' .. to, unpack(f))
            redis.call('HSET', D .. 'm:' .. to, 'cl', 0, 'ce', 0, 'd', 0)
            if dlqTtl >= 0 then redis.call('HSET', D .. 'm:' .. to, 't', dlqTtl, 'e', now + dlqTtl * 1000) end
            redis.call('ZADD', D .. 'idx', to, to)
            remove(s)
          end
        end
        if #selected == 0 then return { 0 } end
        local claim = redis.call('INCR', SEQ)
        local expires = now + ttl * 1000
        local lifeUntil = expires + grace * 1000
        for _, s in ipairs(selected) do
          local key = P .. 'm:' .. s
          local e = num(redis.call('HGET', key, 'e'))
          if lifeUntil > e then e = lifeUntil end
          redis.call('HSET', key, 'cl', claim, 'ce', expires, 'e', e)
          redis.call('HINCRBY', key, 'n', 1)
        end
        redis.call('HSET', P .. 'c:' .. claim, 'c', now, 't', ttl, 'g', grace, 'e', expires, 'm', table.concat(selected, ','))
        redis.call('SADD', P .. 'claims', claim)
        local out = { claim }
        for _, s in ipairs(selected) do emit(out, s, now) end
        return out
        """;

    private const string ClaimPrelude = """
        local now = num(ARGV[1])
        local C = P .. 'c:' .. ARGV[2]
        local claim = num(ARGV[2])
        local function members()
          local list = {}
          local m = redis.call('HGET', C, 'm')
          if m then for s in string.gmatch(m, '[^,]+') do list[#list + 1] = s end end
          return list
        end

        """;

    /// <summary>ARGV: now, claim seq. {0} when missing or expired, else created, ttl, grace and the messages.</summary>
    public const string GetClaim = Prelude + ClaimPrelude + """
        local f = redis.call('HMGET', C, 'c', 't', 'g', 'e')
        if not f[1] or num(f[4]) <= now then return { 0 } end
        local out = { 1, f[1], f[2], f[3] }
        for _, s in ipairs(members()) do
          local m = state(s)
          if m and m.e > now and m.cl == claim then emit(out, s, now) end
        end
        return out
        """;

    /// <summary>ARGV: now, claim seq, ttl, grace. 1 renewed, 0 missing or expired.</summary>
    public const string RenewClaim = Prelude + ClaimPrelude + """
        local e = redis.call('HGET', C, 'e')
        if not e or num(e) <= now then return 0 end
        local ttl, grace = num(ARGV[3]), num(ARGV[4])
        local expires = now + ttl * 1000
        redis.call('HSET', C, 'c', now, 't', ttl, 'g', grace, 'e', expires)
        for _, s in ipairs(members()) do
          local m = state(s)
          if m and m.cl == claim then
            local life = m.e
            if expires + grace * 1000 > life then life = expires + grace * 1000 end
            redis.call('HSET', P .. 'm:' .. s, 'ce', expires, 'e', life)
          end
        end
        return 1
        """;

    /// <summary>ARGV: now, claim seq. 1 released, 0 missing or expired (an expired claim is forgotten).</summary>
    public const string ReleaseClaim = Prelude + ClaimPrelude + """
        local e = redis.call('HGET', C, 'e')
        if not e then return 0 end
        local live = num(e) > now
        if live then
          for _, s in ipairs(members()) do
            local m = state(s)
            if m and m.cl == claim then redis.call('HSET', P .. 'm:' .. s, 'cl', 0, 'ce', 0) end
          end
        end
        redis.call('DEL', C)
        redis.call('SREM', P .. 'claims', ARGV[2])
        if live then return 1 end
        return 0
        """;

    // A subscription is the hash P s:SEQ (u subscriber, t ttl, st started, o options, cf confirmed); P subs maps each
    // subscriber to its sequence, P sidx orders them.
    private const string SubscriptionPrelude = """
        local function sub(s)
          local f = redis.call('HMGET', P .. 's:' .. s, 'u', 't', 'st', 'o', 'cf')
          if not f[1] then return nil end
          return f
        end
        local function subLive(f, now) return num(f[3]) + num(f[2]) * 1000 > now end
        local function emitSub(out, s, f)
          out[#out + 1] = s
          for i = 1, 5 do out[#out + 1] = f[i] end
        end

        """;

    /// <summary>ARGV: now, queue name, subscriber, ttl, options. {created (1/0), seq, u, t, st, o, cf}.</summary>
    public const string CreateSubscription = Prelude + SubscriptionPrelude + """
        local now = num(ARGV[1])
        ensure(P, KEYS[2], ARGV[2])
        local existing = redis.call('HGET', P .. 'subs', ARGV[3])
        if existing then
          local f = sub(existing)
          if f and subLive(f, now) then
            local out = { 0 }
            emitSub(out, existing, f)
            return out
          end
        end
        local s = redis.call('INCR', SEQ)
        redis.call('HSET', P .. 's:' .. s, 'u', ARGV[3], 't', ARGV[4], 'st', now, 'o', ARGV[5], 'cf', 0)
        redis.call('ZADD', P .. 'sidx', s, s)
        redis.call('HSET', P .. 'subs', ARGV[3], s)
        local out = { 1 }
        emitSub(out, s, sub(s))
        return out
        """;

    /// <summary>ARGV: now, after seq, limit (after 0 and limit 1 with a seq in ARGV[4]: get one). Live subscriptions.</summary>
    public const string ListSubscriptions = Prelude + SubscriptionPrelude + """
        local now = num(ARGV[1])
        local limit = num(ARGV[3])
        local out = {}
        if ARGV[4] then
          local f = sub(ARGV[4])
          if f and subLive(f, now) then emitSub(out, ARGV[4], f) end
          return out
        end
        local found = 0
        for _, s in ipairs(redis.call('ZRANGEBYSCORE', P .. 'sidx', '(' .. ARGV[2], '+inf')) do
          if found == limit then break end
          local f = sub(s)
          if f and subLive(f, now) then emitSub(out, s, f); found = found + 1 end
        end
        return out
        """;

    /// <summary>
    /// ARGV: now, seq, then pairs flag/value for subscriber, ttl, options, confirmed. 1 updated, 0 missing or expired,
    /// -1 when the new subscriber is another live subscription's.
    /// </summary>
    public const string UpdateSubscription = Prelude + SubscriptionPrelude + """
        local now = num(ARGV[1])
        local s = ARGV[2]
        local f = sub(s)
        if not f or not subLive(f, now) then return 0 end
        if ARGV[3] == '1' then
          local holder = redis.call('HGET', P .. 'subs', ARGV[4])
          if holder and holder ~= s then
            local h = sub(holder)
            if h and subLive(h, now) then return -1 end
          end
          if redis.call('HGET', P .. 'subs', f[1]) == s then redis.call('HDEL', P .. 'subs', f[1]) end
          redis.call('HSET', P .. 's:' .. s, 'u', ARGV[4])
          redis.call('HSET', P .. 'subs', ARGV[4], s)
        end
        if ARGV[5] == '1' then redis.call('HSET', P .. 's:' .. s, 't', ARGV[6], 'st', now) end
        if ARGV[7] == '1' then redis.call('HSET', P .. 's:' .. s, 'o', ARGV[8]) end
        if ARGV[9] == '1' then redis.call('HSET', P .. 's:' .. s, 'cf', ARGV[10]) end
        return 1
        """;

    /// <summary>ARGV: now, seq. 1 deleted, 0 missing or expired.</summary>
    public const string DeleteSubscription = Prelude + SubscriptionPrelude + """
        local now = num(ARGV[1])
        local s = ARGV[2]
        local f = sub(s)
        if not f or not subLive(f, now) then return 0 end
        if redis.call('HGET', P .. 'subs', f[1]) == s then redis.call('HDEL', P .. 'subs', f[1]) end
        redis.call('DEL', P .. 's:' .. s)
        redis.call('ZREM', P .. 'sidx', s)
        return 1
        """;
}
