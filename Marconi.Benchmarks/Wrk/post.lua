-- wrk script: durable POST of one small message to one queue (the issue's "HTTP, durable POST of one message").
-- wrk -t2 -c64 -d10s -s post.lua http://127.0.0.1:8888/v2/queues/wrk-post/messages
wrk.method = "POST"
wrk.headers["Client-ID"] = "3381af92-2b9e-11e3-b191-28cfe91478b9"
wrk.headers["X-Project-ID"] = "wrk"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"messages":[{"body":{"event":"order.created","order":123456},"ttl":3600}]}'
