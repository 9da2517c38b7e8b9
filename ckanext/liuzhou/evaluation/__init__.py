"""Evaluation and supervision (Art 34): indicators per department, level and county, in SQL."""
