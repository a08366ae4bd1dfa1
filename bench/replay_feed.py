#!/usr/bin/env python3
"""Replays the whole change feed as a partner's first full sync would: pages
of `limit` events from the start until there is no more, over one
keep-alive connection. Prints `RESULT {json}` with events/s.

Like a client built for a large first sync, it asks for the next page as
soon as a page has arrived, from the `X-Next-Cursor` and `X-Has-More`
headers, and parses and counts pages on a second thread meanwhile; every
page is parsed, and its last event's cursor checked against the header. The
standard `json` module is used unless orjson is installed (bench/run
installs it); parsing a 1.4 MB page takes it about 10 to 20 ms, longer
than the server takes to answer one.

usage: replay_feed.py HOST PORT TOKEN [LIMIT]
"""

import http.client
import json
import queue
import sys
import threading
import time

try:
    from orjson import loads
except ImportError:  # pragma: no cover - bench/run installs it
    loads = json.loads

host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
limit = int(sys.argv[4]) if len(sys.argv) > 4 else 1000

pages_in = queue.Queue(maxsize=4)
counted = {"events": 0, "pages": 0, "error": None}


def apply_pages():
    while True:
        item = pages_in.get()
        if item is None:
            return
        body, next_cursor = item
        try:
            page = loads(body)
            data = page["data"]
            if data and data[-1]["cursor"] != next_cursor:
                raise ValueError(f"X-Next-Cursor {next_cursor} is not the last event's {data[-1]['cursor']}")
            counted["events"] += len(data)
            counted["pages"] += 1
        except Exception as e:  # noqa: BLE001 - reported below
            counted["error"] = repr(e)


worker = threading.Thread(target=apply_pages)
worker.start()
conn = http.client.HTTPConnection(host, port, timeout=60)
headers = {"Authorization": f"Bearer {token}"}
cursor = ""
latencies = []
started = time.monotonic()
while True:
    t0 = time.monotonic()
    conn.request("GET", f"/api/v1/catalog/changes?limit={limit}&cursor={cursor}", headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    latencies.append(time.monotonic() - t0)
    if resp.status != 200:
        pages_in.put(None)
        sys.exit(f"page {len(latencies)}: HTTP {resp.status}: {body[:300]!r}")
    cursor = resp.getheader("X-Next-Cursor")
    more = resp.getheader("X-Has-More") == "true"
    pages_in.put((body, cursor))
    if not more:
        break
pages_in.put(None)
worker.join()
elapsed = time.monotonic() - started
if counted["error"]:
    sys.exit(f"a page did not parse as expected: {counted['error']}")
latencies.sort()
print("RESULT " + json.dumps({
    "events": counted["events"],
    "pages": counted["pages"],
    "seconds": round(elapsed, 3),
    "events_per_s": round(counted["events"] / elapsed, 1),
    "page_p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
    "page_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2),
}))
