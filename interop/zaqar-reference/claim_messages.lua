-- Reference setup (interop/zaqar-reference): written for this repo from the redis driver's calls, since Debian
-- lacks the file. Claims up to limit unclaimed messages, oldest first.
local msgset_key = KEYS[1]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local claim_id = ARGV[3]
local claim_expires = tonumber(ARGV[4])
local msg_ttl = tonumber(ARGV[5])
local msg_expires = tonumber(ARGV[6])
local claimed = {}
local gone = {}
local start = 0
while #claimed < limit do
    local ids = redis.call('ZRANGE', msgset_key, start, start + 99)
    if #ids == 0 then break end
    start = start + 100
    for _, mid in ipairs(ids) do
        local m = redis.call('HMGET', mid, 'c', 'c.e', 'e')
        if m[3] == false then
            gone[#gone + 1] = mid
        elseif m[1] == '' or m[1] == false or tonumber(m[2]) <= now then
            redis.call('HMSET', mid, 'c', claim_id, 'c.e', claim_expires)
            if tonumber(m[3]) < claim_expires then
                redis.call('HMSET', mid, 't', msg_ttl, 'e', msg_expires)
            end
            claimed[#claimed + 1] = mid
            if #claimed == limit then break end
        end
    end
end
if #gone > 0 then redis.call('ZREM', msgset_key, unpack(gone)) end
return claimed
