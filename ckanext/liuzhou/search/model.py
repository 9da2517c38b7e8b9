"""The Operator's search vocabulary (table of migration 0009): the synonym groups and the
departments' short names, each stored whole as one JSON document once the Operator saved it.
Without a row, the shipped defaults of ``search/data/`` apply."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk

SYNONYMS = "synonyms"
DEPARTMENT_ALIASES = "department_aliases"


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class SearchVocabulary(tk.BaseModel):
    """One document of the vocabulary: ``synonyms`` (a list of groups of terms) or
    ``department_aliases`` ({department name: [short names]})."""
    __tablename__ = "liuzhou_search_vocabulary"

    name = Column(UnicodeText, primary_key=True)
    body = Column(JSONB, nullable=False)
    modified_by = Column(UnicodeText, nullable=False)
    modified_at = Column(DateTime, nullable=False, default=_utcnow)
