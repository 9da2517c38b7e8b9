"""The catalog (目录): entries, departments, validation by the rules (Art 9, 13–19, 22)."""
