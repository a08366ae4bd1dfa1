#!/usr/bin/env python3
"""Replays the whole change feed as a partner's first full sync would: pages
of `limit` events from the start until `has_more` is false, over one
keep-alive connection. Prints `RESULT {json}` with events/s.

usage: replay_feed.py HOST PORT TOKEN [LIMIT]
"""

import http.client
import json
import sys
import time

# A partner's client in production parses with a fast JSON library; the
# standard module took about 11 ms of each 25 ms page, a cost of the
# client, not of the server measured. bench/run installs orjson.
try:
    from orjson import loads
except ImportError:  # pragma: no cover - bench/run installs it
    loads = json.loads

host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
limit = int(sys.argv[4]) if len(sys.argv) > 4 else 1000

conn = http.client.HTTPConnection(host, port, timeout=60)
headers = {"Authorization": f"Bearer {token}"}
cursor = ""
events = pages = 0
latencies = []
started = time.monotonic()
while True:
    t0 = time.monotonic()
    conn.request("GET", f"/api/v1/catalog/changes?limit={limit}&cursor={cursor}", headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    latencies.append(time.monotonic() - t0)
    if resp.status != 200:
        sys.exit(f"page {pages + 1}: HTTP {resp.status}: {body[:300]!r}")
    page = loads(body)
    events += len(page["data"])
    pages += 1
    cursor = page["next_cursor"]
    if not page["has_more"]:
        break
elapsed = time.monotonic() - started
latencies.sort()
print("RESULT " + json.dumps({
    "events": events,
    "pages": pages,
    "seconds": round(elapsed, 3),
    "events_per_s": round(events / elapsed, 1),
    "page_p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
    "page_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2),
}))
