"""Summarise py-spy's raw (collapsed) stacks of ``python -m bench --profile DIR``.

    python -m bench.profile DIR/search_facets-8.txt [--top 25] [--match ckanext/liuzhou]

Prints the share of samples in which each function is on the stack (inclusive), the functions
that are on top (self), and the same restricted to frames whose file matches ``--match``.
Idle gunicorn threads (waiting in select/accept/poll) are left out.
"""
from __future__ import annotations

import argparse
import collections
import re
import sys

IDLE = re.compile(r"\b(select|poll|accept|wait|_worker|sleep|run_for_one|epoll)\b \(")


def parse(path: str):
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        stack, _, count = line.rpartition(" ")
        try:
            n = int(count)
        except ValueError:
            continue
        yield stack.split(";"), n


def summarize(path: str, top: int = 25, match: str = "liuzhou/") -> str:
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    for frames, n in parse(path):
        if frames and IDLE.search(frames[-1]):
            continue
        total += n
        for f in set(frames):
            inclusive[f] += n
        own[frames[-1]] += n
    if not total:
        return f"{path}: no busy samples"
    out = [f"{path}: {total} busy samples"]

    def block(title, counter, keep=lambda f: True):
        out.append(f"\n{title}")
        for f, n in [(f, n) for f, n in counter.most_common() if keep(f)][:top]:
            out.append(f"  {100 * n / total:5.1f}%  {f}")
    block("inclusive (on the stack)", inclusive)
    block("self (on top)", own)
    block(f"inclusive, frames in {match}", inclusive, lambda f: match in f)
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--match", default="liuzhou/")
    args = p.parse_args(argv)
    for f in args.files:
        print(summarize(f, args.top, args.match))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
