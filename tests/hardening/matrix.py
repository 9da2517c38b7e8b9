"""Reading the authorization matrices (``authz_matrix.csv``, ``route_matrix.csv``).

Each row names an action (or ``METHOD /route``), the data sent (JSON; ``$name`` is an object of
``conftest.Targets``), and the expected outcome for each role column. See
docs/security.md ("Authorization matrix") for the vocabulary.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .conftest import ROLES

HERE = Path(__file__).parent
ACTIONS_CSV = HERE / "authz_matrix.csv"
ROUTES_CSV = HERE / "route_matrix.csv"
# action outcomes
ACTION_OUTCOMES = {"allow", "deny", "data", "meta"}


def read(path: Path) -> dict[str, dict]:
    rows = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            key = row.pop("action" if "action" in row else "route").strip()
            assert key not in rows, f"{path.name}: {key} has two rows"
            row["data"] = json.loads(row.get("data") or "{}")
            rows[key] = row
    return rows


def write(path: Path, header_comment: str, key: str, rows: dict[str, dict]) -> None:
    """Used by ``HARDENING_RECORD=1`` runs to write the observed table for review."""
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write(header_comment)
        writer = csv.DictWriter(f, fieldnames=[key, "data", "mode", *ROLES, "note"], lineterminator="\n")
        writer.writeheader()
        for name in sorted(rows):
            row = dict(rows[name])
            row[key] = name
            row["data"] = json.dumps(row.get("data") or {}, ensure_ascii=False, separators=(",", ":"))
            writer.writerow(row)
