#!/usr/bin/env python3
"""Writes docs/performance.md from one run of bench/run.

usage: write_report.py OUTDIR REPORT GEN_SECS PEAK_KB IDLE_KB COMMAND
"""

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

out, report, gen_secs, peak_kb, idle_kb, command = sys.argv[1:7]
gen_secs, peak_kb, idle_kb = float(gen_secs), int(peak_kb), int(idle_kb)


def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


READS = [
    ("catalog_list", "Catalogue list, category + province filter", "`GET /api/v1/catalog/products?category=food&province_code=35&limit=20`"),
    ("catalog_product", "One catalogue product by id", "`GET /api/v1/catalog/products/{id}` (1,000 ids at random)"),
    ("catalog_search", "Catalogue search", "`GET /api/v1/catalog/products?q=kopi&limit=20`"),
    ("manager_list", "A manager's own products", "`GET /api/v1/products?limit=20` (bearer token)"),
]

rows = []
verdicts = []
http = load("http_limit.http.json")
for name, label, path in READS:
    h, d = load(f"{name}.http.json"), load(f"{name}.db.json")
    frac = h["rps"] / d["tps"] if h and d and d["tps"] else None
    catalogue = name.startswith("catalog")
    ok = None
    if catalogue and frac is not None:
        ok = frac >= 0.6 and h["p99_ms"] < 20
        verdicts.append((label, ok, f"{frac:.0%} of its database limit, p99 {h['p99_ms']:.1f} ms (target: at least 60 %, under 20 ms)"))
    rows.append(
        f"| {label} | {h['rps']:,.0f} | {h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {h['non_2xx'] + h['errors']} "
        f"| {d['tps']:,.0f} ({d['statements']} statements) | {frac:.0%} | {'' if ok is None else ('met' if ok else '**missed**')} |"
    )
order = load("order.http.json")
rows.append(
    f"| Order placement | {order['rps']:,.0f} | {order['p50_ms']:.1f} | {order['p99_ms']:.1f} | {order['non_2xx'] + order['errors']} | (a write: no read limit) | | |"
)
rows.append(
    f"| HTTP limit: trivial JSON route | {http['rps']:,.0f} | {http['p50_ms']:.1f} | {http['p99_ms']:.1f} | {http['non_2xx'] + http['errors']} | | | |"
)
feed = load("feed.json")
feed_ok = feed["events_per_s"] > 20000
mem_ok = peak_kb / 1024 < 150
gen_ok = gen_secs < 120
verdicts.append(("Feed replay", feed_ok, f"{feed['events_per_s']:,.0f} events/s (target: over 20,000)"))
verdicts.append(("Peak server memory", mem_ok, f"{peak_kb / 1024:.0f} MB resident (target: under 150 MB)"))
verdicts.append(("Scale generation", gen_ok, f"{gen_secs:.0f} s (target: under 2 minutes)"))

# The summary line (the log lines of start-up come before it).
seed = next(
    (l for l in open(os.path.join(out, "seed.txt")).read().splitlines() if l.startswith("Loaded")),
    "(no summary printed)",
)
pg_version = sh("psql -X -At -h 127.0.0.1 -U postgres -d postgres -c 'show server_version'")
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

text = f"""# Performance

Measured by `bench/run` on {now}, with:

    {command}

Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, PostgreSQL {pg_version};
the load generator (wrk), pgbench, PostgreSQL and the API all share those cores, so each
figure is compared with a limit measured in the same run on the same machine.

Data set (`opop-api seed-demo --scale`): {seed}

## Results

Each endpoint ran for the stated duration at the stated number of connections. "Database
limit" is pgbench running exactly the SQL that the API sent for one such request (captured
from PostgreSQL's statement log, with its parameters), at the same concurrency, with
prepared statements: the most requests per second the database could serve for that
endpoint if HTTP, JSON and the API cost nothing. "HTTP limit" is the same server answering
`GET /health/live` (no database).

| endpoint | requests/s | p50 ms | p99 ms | errors | database limit (transactions/s) | fraction of the limit | target |
|---|---:|---:|---:|---:|---:|---:|---|
""" + "\n".join(rows) + f"""

- Full replay of the change feed from the start, as a partner's first sync (pages of 1,000,
  one connection): {feed['events']:,} events in {feed['seconds']:.1f} s, **{feed['events_per_s']:,.0f} events/s**
  (page p50 {feed['page_p50_ms']:.0f} ms, p99 {feed['page_p99_ms']:.0f} ms).
- Peak resident memory of the server (VmHWM) over the whole run: **{peak_kb / 1024:.0f} MB**
  ({idle_kb / 1024:.0f} MB after start-up).
- Generation of the data set (`seed-demo --scale`), including the change feed: **{gen_secs:.0f} s**.

## Against the targets

""" + "\n".join(f"- {label}: {'met' if ok else '**missed**'}: {detail}." for label, ok, detail in verdicts) + """

## How to read and re-run

`bench/run` needs PostgreSQL on 127.0.0.1:5432 and installs wrk from Debian's packages
when missing. `SCALE`, `DURATION`, `CONNS` and `THREADS` change the run; raw outputs
(wrk, pgbench, the captured SQL of each endpoint, the server log) are kept in
`target/bench/`. The server runs as shipped (release build, default pool of 10
connections, one worker per core, JSON logs at `info`), except that the per-address
rate limits are lifted: all the load comes from one address.
"""

# Written analysis below this marker survives a new run.
MARKER = "<!-- analysis: kept by bench/write_report.py -->"
if os.path.exists(report):
    old = open(report).read()
    if MARKER in old:
        text += "\n" + MARKER + old.split(MARKER, 1)[1]
open(report, "w").write(text)
print(text)
