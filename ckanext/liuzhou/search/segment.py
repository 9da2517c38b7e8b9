"""Word segmentation of queries and titles with jieba.

jieba (a dictionary of about 350,000 words with an HMM for the words it does not know) was
chosen over Lucene's smartcn and ICU tokenizers on the Solr side because segmentation is only
needed to understand the *query* (which words must match, which are filler, which are
synonyms, department short names or pinyin), while the index keeps its bigram chain, which
never hides an entry whose word sits inside a longer one (学生 in 中小学生). Doing it in Python
lets the segmenter know the platform's own words (synonym terms, departments' short names) the
moment the Operator saves them, without a Solr reload. Measured choices: docs/search.md.
"""
from __future__ import annotations

import logging
import threading
import warnings
from typing import Iterable

_lock = threading.Lock()
_tokenizer = None
_added: set[str] = set()


def tokenizer():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # jieba imports pkg_resources
                    import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for word in _added:
                    tk.add_word(word, freq=200000)
                _tokenizer = tk
    return _tokenizer


def warm() -> None:
    """Load the dictionary on a background thread, so a worker's first search does not wait."""
    if _tokenizer is None:
        threading.Thread(target=tokenizer, name="liuzhou-jieba-warm", daemon=True).start()


def add_words(words: Iterable[str]) -> None:
    """Words to keep whole (synonym terms, departments' short names)."""
    new = {w for w in words if w and w not in _added and len(w) > 1}
    if not new:
        return
    _added.update(new)
    if _tokenizer is not None:
        for word in new:
            _tokenizer.add_word(word, freq=200000)


def cut(text: str) -> list[str]:
    """Words of ``text`` (spaces and punctuation dropped)."""
    return [w for w in tokenizer().lcut(text, HMM=True) if w.strip() and any(c.isalnum() for c in w)]
