-- Reference setup (interop/zaqar-reference): written for this repo from the redis driver's calls, since Debian
-- lacks the file. Ranks new message ids in a queue's sorted set.
local msgset_key = KEYS[1]
local counter_key = KEYS[2]
local count = tonumber(ARGV[1])
local rank = tonumber(redis.call('GET', counter_key)) or 1
for i = 1, count do
    redis.call('ZADD', msgset_key, rank, ARGV[i + 1])
    rank = rank + 1
end
redis.call('SET', counter_key, rank)
