#!/usr/bin/env python3
"""Fills the reference statements of bench/reference/ with this run's values
and writes them as pgbench scripts to OUTDIR/<name>.sql.

Placeholders: :'READ_IDS' and :'ORDER_IDS' (the ids the API is driven with,
as a uuid[] literal), :'PESANTREN' (the benchmark manager's pesantren),
:'PARTNER' (the ordering partner) and :'PAYLOAD' (a feed event's product,
as the API writes one per order).

usage: reference.py TEMPLATEDIR OUTDIR PESANTREN PARTNER
"""

import os
import sys

templates, out, pesantren, partner = sys.argv[1:5]


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def ids(name):
    with open(os.path.join(out, name)) as f:
        return literal("{" + ",".join(l.strip() for l in f if l.strip()) + "}")


values = {
    ":'READ_IDS'": ids("read_ids.txt"),
    ":'ORDER_IDS'": ids("order_ids.txt"),
    ":'PESANTREN'": literal(pesantren),
    ":'PARTNER'": literal(partner),
    ":'PAYLOAD'": literal(open(os.path.join(out, "payload.json")).read().strip()),
}
for name in sorted(os.listdir(templates)):
    if not name.endswith(".sql"):
        continue
    text = open(os.path.join(templates, name)).read()
    for key, value in values.items():
        text = text.replace(key, value)
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
