"""The append-only, hash-chained audit log of reads and decisions (Art 25, 28–33)."""
