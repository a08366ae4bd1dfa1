#!/usr/bin/env python3
"""Records the SQL the API sent for each benchmarked request.

bench/run sets `log_statement = all` on the benchmark database, makes one
request per endpoint with a marker query (`SELECT 'opop-bench-mark:<name>'`)
before each, and hands the server log here. Each statement the API executed
between two markers is written, with its bound parameters inlined, to
`<out>/<name>.captured.sql`: the report counts them (statements per
request) and they are kept to read. The limit an endpoint is compared with
is its reference statement (bench/reference/), not these.

usage: capture_sql.py LOGFILE OFFSET DBNAME OUTDIR
"""

import re
import sys

log_path, offset, dbname, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

# `%m [%p] %q%u@%d ` then the message.
LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (\S*)@(\S*) (LOG|DETAIL):  (.*)$")
MARK = re.compile(r"opop-bench-mark:([a-z_]+)")
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")

with open(log_path, "rb") as f:
    f.seek(offset)
    text = f.read().decode("utf-8", "replace")

segments = {}  # name -> list of statements
current = None
pending = None  # (pid, statement) waiting for its DETAIL parameters


def flush():
    global pending
    if pending and current:
        segments.setdefault(current, []).append(pending[1])
    pending = None


for raw in text.splitlines():
    m = LINE.match(raw)
    if not m:
        continue
    pid, _user, db, kind, msg = m.groups()
    if db != dbname:
        continue
    if kind == "LOG":
        flush()
        mark = MARK.search(msg)
        if mark:
            current = None if mark.group(1) == "end" else mark.group(1)
            continue
        sm = re.match(r"(?:execute [^:]+|statement): (.*)$", msg)
        if sm:
            pending = (pid, sm.group(1))
    elif kind == "DETAIL" and pending and pending[0] == pid:
        params = {int(n): v for n, v in PARAM.findall(msg)}
        sql = re.sub(r"\$(\d+)\b", lambda p: params.get(int(p.group(1)), p.group(0)), pending[1])
        pending = (pid, sql)
flush()

if not segments:
    sys.exit("no statements captured: is log_statement=all set on %s?" % dbname)
for name, statements in segments.items():
    with open(f"{out_dir}/{name}.captured.sql", "w") as out:
        for s in statements:
            out.write(s.rstrip(";") + ";\n")
    print(f"{name}: {len(statements)} statements")
