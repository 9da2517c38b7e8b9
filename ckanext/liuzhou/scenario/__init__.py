"""Application scenarios (应用场景, Art 34 "support for applications"): a department registers
the business scenarios that use shared data, with the entries and share requests they rely on."""
