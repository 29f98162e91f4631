-- wrk script: POST of a 512-byte body to the bare echo server (the HTTP ceiling of issue 4).
-- dotnet run -c Release --project Marconi.Benchmarks -- echo --listen 127.0.0.1:19100 --seconds 30 &
-- wrk -t2 -c64 -d10s --latency -s echo.lua http://127.0.0.1:19100/
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"pad":"' .. string.rep("x", 512 - 10) .. '"}'
