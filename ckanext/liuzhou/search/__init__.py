"""Catalog search as people type it: query understanding (segmentation, filler words,
synonyms, department short names, pinyin, traditional characters), the relaxed fallback and
"did you mean", suggestions while typing, and the Operator's vocabulary page.

The Solr side (fields ``provider_text``, ``title_py``, ``title_py_initials``, ``vocab_py``) is
declared in ``solr/make_schema.py`` and filled by :mod:`.indexing`.
"""
