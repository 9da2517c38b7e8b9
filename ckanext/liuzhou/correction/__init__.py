"""Correction of errors (校核纠错, Art 26 of the national regulation, Decree 809): a department
user reports an error in a catalog entry or in delivered data, the providing department
confirms and corrects it or disputes it within a deadline in working days, and the Authority
settles disputes. docs/correction.md."""
