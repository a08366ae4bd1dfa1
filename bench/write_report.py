#!/usr/bin/env python3
"""Writes docs/performance.md from one run of bench/run.

usage: write_report.py OUTDIR REPORT PEAK_KB IDLE_KB COMMAND
"""

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

out, report, peak_kb, idle_kb, command = sys.argv[1:6]
peak_kb, idle_kb = int(peak_kb), int(idle_kb)


def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None


def text(name, default=""):
    path = os.path.join(out, name)
    return open(path).read().strip() if os.path.exists(path) else default


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def summary(name):
    return next((l for l in text(name).splitlines() if l.startswith("Loaded")), "(no summary printed)")


# name, label, what the API is asked, the reference, fraction target, p99 target (ms)
ENDPOINTS = [
    ("catalog_product", "One catalogue product", "`GET /api/v1/catalog/products/{id}` (1,000 ids at random)",
     "one product row by primary key, joined to its pesantren", 0.40, 10),
    ("catalog_list", "Catalogue list, category + province", "`GET /api/v1/catalog/products?category=food&province_code=35&limit=20`",
     "one page of 20 published rows with that filter, joined to pesantren", 0.40, 15),
    ("catalog_search", "Catalogue search `q=kopi`", "`GET /api/v1/catalog/products?q=kopi&limit=20`",
     "one page of 20 by the name index (plan below)", 0.30, 30),
    ("manager_list", "A manager's own products", "`GET /api/v1/products?limit=20` (bearer token)",
     "one page of 20 of one pesantren's products", 0.30, None),
    ("order", "Order placement, distinct products", "`POST /api/v1/catalog/orders` (200 products at random)",
     "the order's writes in one transaction, no shared counter row", 0.40, None),
]
CATALOGUE = ["catalog_product", "catalog_list", "catalog_search"]

rows, verdicts = [], []
for name, label, _asked, reference, want, p99 in ENDPOINTS:
    h, d = load(f"{name}.http.json"), load(f"{name}.db.json")
    if not h or not d:
        rows.append(f"| {label} | (not measured) | | | | | | | |")
        continue
    frac = h["rps"] / d["tps"] if d["tps"] else 0
    ok = frac >= want and (p99 is None or h["p99_ms"] < p99)
    target = f"≥ {want:.0%}" + (f", p99 < {p99} ms" if p99 else "")
    stmts = d.get("api_statements") or "–"
    verdicts.append((label, ok, f"{frac:.0%} of its reference, p99 {h['p99_ms']:.1f} ms (target: {target})"))
    rows.append(
        f"| {label} | {h['rps']:,.0f} | {h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {h['non_2xx'] + h['errors']} "
        f"| {stmts} | {d['tps']:,.0f} | {frac:.0%} | {target}: {'met' if ok else '**missed**'} |"
    )
http = load("http_limit.http.json")
rows.append(
    f"| HTTP limit: `GET /health/live` | {http['rps']:,.0f} | {http['p50_ms']:.1f} | {http['p99_ms']:.1f} | {http['non_2xx'] + http['errors']} | 0 | | | |"
)

feed = load("feed.json")
verdicts.append(("Feed replay", feed["events_per_s"] > 40000, f"{feed['events_per_s']:,.0f} events/s (target: over 40,000)"))
verdicts.append(("Peak server memory", peak_kb / 1024 < 150, f"{peak_kb / 1024:.0f} MB resident (target: under 150 MB)"))

# The catalogue without the answers kept in memory (OPOP_CATALOG_CACHE_MB=0).
nocache_rows = []
for name in CATALOGUE:
    h, d = load(f"nocache_{name}.http.json"), load(f"{name}.db.json")
    if not h or not d:
        continue
    label = next(l for n, l, *_ in ENDPOINTS if n == name)
    nocache_rows.append(
        f"| {label} | {h['rps']:,.0f} | {h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {h['non_2xx'] + h['errors']} "
        f"| {d['tps']:,.0f} | {h['rps'] / d['tps']:.0%} |"
    )

# Growth: the same catalogue reads on the country-sized data set.
growth_rows = []
if os.path.exists(os.path.join(out, "growth.gen")):
    gen = float(text("growth.gen"))
    verdicts.append(("Country-sized generation", gen < 180, f"{gen:.0f} s (target: under 3 minutes)"))
    for name in CATALOGUE:
        base, big = load(f"{name}.http.json"), load(f"growth_{name}.http.json")
        label = next(l for n, l, *_ in ENDPOINTS if n == name)
        ratio = big["rps"] / base["rps"] if base and big and base["rps"] else 0
        ok = ratio >= 0.8
        verdicts.append((f"{label} at the country's size", ok, f"{ratio:.0%} of its rate at the first scale (target: at least 80 %)"))
        growth_rows.append(
            f"| {label} | {base['rps']:,.0f} | {big['rps']:,.0f} | {big['p50_ms']:.1f} | {big['p99_ms']:.1f} "
            f"| {big['non_2xx'] + big['errors']} | {ratio:.0%} | {'met' if ok else '**missed**'} |"
        )

# SQLite, the embedded default, at its own scale. Answered from memory, a
# read costs the same on either database (neither is asked); the database's
# own path is compared with the cache off on both.
sqlite_rows = []
for name in CATALOGUE:
    pg, lite = load(f"{name}.http.json"), load(f"sqlite_{name}.http.json")
    pg_db, lite_db = load(f"nocache_{name}.http.json"), load(f"sqlite_nocache_{name}.http.json")
    if not lite or not lite_db or not pg_db:
        continue
    label = next(l for n, l, *_ in ENDPOINTS if n == name)
    ok = lite_db["rps"] >= pg_db["rps"]
    verdicts.append((f"{label} on SQLite", ok, f"{lite_db['rps']:,.0f} requests/s from the database against {pg_db['rps']:,.0f} on PostgreSQL "
                     f"(from memory: {lite['rps']:,.0f} against {pg['rps']:,.0f}) (target: at least the PostgreSQL rate)"))
    sqlite_rows.append(
        f"| {label} | {lite_db['rps']:,.0f} | {lite_db['p50_ms']:.1f} | {lite_db['p99_ms']:.1f} | {lite_db['non_2xx'] + lite_db['errors']} "
        f"| {pg_db['rps']:,.0f} | {lite['rps']:,.0f} | {pg['rps']:,.0f} | {'met' if ok else '**missed**'} |"
    )

pg_version = sh("psql -X -At -h 127.0.0.1 -U postgres -d postgres -c 'show server_version'")
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def plan(name):
    return "\n".join("    " + l for l in text(f"{name}.plan", "(no plan)").splitlines())


references = "\n".join(
    f"- **{label}** ({asked}): {reference}; `bench/reference/{name}.sql`." for name, label, asked, reference, *_ in ENDPOINTS
)

doc = f"""# Performance

Measured by `bench/run` on {now}, with:

    {command}

Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, PostgreSQL {pg_version};
the load generator (wrk), pgbench, PostgreSQL and the API all share those cores, so each
figure is compared with a limit measured in the same run on the same machine.

Data set (`opop-api seed-demo --scale`): {summary("main.seed.txt")} Generated in {float(text("main.gen", "0")):.0f} s.

## Results on PostgreSQL

Each endpoint ran for the stated duration at the stated number of connections. Its
**reference** is the single statement (or, for orders, the one transaction) that a
hand-written server would need for that request, fixed in `bench/reference/`, run by
pgbench at the same concurrency with prepared statements: the most requests per second
the database could serve if HTTP, JSON and the API cost nothing. "Statements" is how many
the API actually sends for one request that reaches the database (captured from
PostgreSQL's statement log; a catalogue read answered from memory sends none).

| endpoint | requests/s | p50 ms | p99 ms | errors | statements | reference (transactions/s) | fraction | target |
|---|---:|---:|---:|---:|---:|---:|---:|---|
""" + "\n".join(rows) + f"""

- Full replay of the change feed from the start, as a partner's first sync (pages of 1,000,
  one connection): {feed['events']:,} events in {feed['seconds']:.1f} s, **{feed['events_per_s']:,.0f} events/s**
  (page p50 {feed['page_p50_ms']:.0f} ms, p99 {feed['page_p99_ms']:.0f} ms).
- Peak resident memory of the server (VmHWM) over the whole run: **{peak_kb / 1024:.0f} MB**
  ({idle_kb / 1024:.0f} MB after start-up).

The references:

{references}

The catalogue reads above are answered from each instance's memory once read
(`feed::cache`, `docs/change-feed.md`). The same reads with `OPOP_CATALOG_CACHE_MB=0`,
each answered by the read model's one statement (what every read costs right after a
catalogue change, and the rate of reads that miss the cache):

| endpoint | requests/s | p50 ms | p99 ms | errors | reference | fraction |
|---|---:|---:|---:|---:|---:|---:|
""" + "\n".join(nocache_rows) + f"""

Plan of the search reference (the API's search reads its read model the same way: the
pattern is written into the statement, so it is planned for it):

{plan("catalog_search")}

Plan of the list reference:

{plan("catalog_list")}
"""

if growth_rows:
    doc += f"""
## The whole country

{summary("growth.seed.txt")} Generated in **{float(text("growth.gen")):.0f} s**; the database
takes {text("growth.size", "?")}. The same catalogue reads, same duration and connections:

| endpoint | requests/s at the first scale | requests/s here | p50 ms | p99 ms | errors | ratio | at least 80 % |
|---|---:|---:|---:|---:|---:|---:|---|
""" + "\n".join(growth_rows) + "\n"

if sqlite_rows:
    doc += f"""
## SQLite, the embedded default

What `cargo run --release` serves, at its own scale: {summary("sqlite.seed.txt")}
Generated in {float(text("sqlite.gen", "0")):.0f} s. The same catalogue reads, same duration and
connections, against the PostgreSQL rates above: first with nothing kept in memory
(`OPOP_CATALOG_CACHE_MB=0`, each read answered by the database), then as shipped (answered
from memory, where the database is not asked and the two differ by the machine's noise):

| endpoint | requests/s from the database | p50 ms | p99 ms | errors | PostgreSQL, from the database | requests/s from memory | PostgreSQL, from memory | at least PostgreSQL's (database) |
|---|---:|---:|---:|---:|---:|---:|---:|---|
""" + "\n".join(sqlite_rows) + "\n"

doc += """
## Against the targets

""" + "\n".join(f"- {label}: {'met' if ok else '**missed**'}: {detail}." for label, ok, detail in verdicts) + """

## How to read and re-run

`bench/run` needs PostgreSQL on 127.0.0.1:5432 and installs wrk from Debian's packages
when missing. `SCALE`, `GROWTH_SCALE` (0 skips it), `SQLITE_SCALE`, `DURATION`, `CONNS`
and `THREADS` change the run; raw outputs (wrk, pgbench, the reference scripts as run,
the captured SQL of each endpoint, plans, the server log) are kept in `target/bench/`.
The server runs as shipped (release build, default pool of 10 connections, one worker
per core, JSON logs at `info`), except that the per-address rate limits are lifted: all
the load comes from one address.
"""

# Written analysis below this marker survives a new run.
MARKER = "<!-- analysis: kept by bench/write_report.py -->"
if os.path.exists(report):
    old = open(report).read()
    if MARKER in old:
        doc += "\n" + MARKER + old.split(MARKER, 1)[1]
open(report, "w").write(doc)
print(doc)
