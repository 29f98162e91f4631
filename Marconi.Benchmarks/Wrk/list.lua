-- wrk script: GET of a 10-message page (echo=true so the poster's own messages are listed).
-- wrk -t2 -c64 -d10s -s list.lua 'http://127.0.0.1:8888/v2/queues/wrk-post/messages?limit=10&echo=true'
wrk.method = "GET"
wrk.headers["Client-ID"] = "3381af92-2b9e-11e3-b191-28cfe91478b9"
wrk.headers["X-Project-ID"] = "wrk"
