"""The figures of ``bench/real_import.sh`` logs: rows, import time (the commands' own measure:
the workbook read and the start-up left out), rows/s, CPU seconds of the importing processes
and of the commands with their helpers (start-ups included), and for a whole run the CPU
seconds PostgreSQL and Solr spent. ``python -m bench.real_import_sum LOG...``"""
from __future__ import annotations

import re
import sys

LINE = re.compile(r"(\d+) rows: .*\(([\d.]+) s, CPU ([\d.]+) s of this process")
TIME = re.compile(r"TIME ([\d.]+) ([\d.]+) ([\d.]+)")


def summary(path: str) -> str:
    rows = commands = 0
    wall = cpu = cmd_cpu = 0.0
    marks = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith(("start ", "end ")):
            words = line.split()
            marks[words[0]] = {"at": words[1], "pg": float(words[words.index("pg") + 1]),
                               "solr": float(words[words.index("solr") + 1])}
            continue
        found, timed = LINE.search(line), TIME.search(line)
        if found:
            rows += int(found.group(1))
            wall += float(found.group(2))
            cpu += float(found.group(3))
            commands += 1
        if timed:
            cmd_cpu += float(timed.group(2)) + float(timed.group(3))
    out = (f"{path}: {commands} imports, {rows} rows in {wall:.1f} s = {rows / wall if wall else 0:.1f} rows/s; "
           f"CPU {cpu:.1f} s importing processes, {cmd_cpu:.1f} s commands with helpers")
    if "start" in marks and "end" in marks:
        out += (f"; PostgreSQL {marks['end']['pg'] - marks['start']['pg']:.1f} s, "
                f"Solr {marks['end']['solr'] - marks['start']['solr']:.1f} s "
                f"({marks['start']['at']}–{marks['end']['at']} UTC)")
    return out


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(summary(arg))
