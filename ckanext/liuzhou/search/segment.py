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

import functools
import logging
import marshal
import os
import tempfile
import threading
import warnings
from typing import Iterable

_lock = threading.Lock()
_tokenizer = None
_added: set[str] = set()
_generation = 0  # bumped when words are added: remembered cuts of before are not read again


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
                _initialize(tk)
                for word in _added:
                    tk.add_word(word, freq=200000)
                _tokenizer = tk
    return _tokenizer


def _initialize(tk) -> None:
    """``tk.initialize()`` of a tokenizer of jieba's default dictionary, the dictionary read from
    jieba's cache file in one read when the cache is there: jieba's own ``marshal.load`` of the
    open file reads its 9 MB piecemeal (1.3 s of CPU against 0.24 s for ``marshal.loads`` of the
    same bytes), and every command, web worker and job worker loads the dictionary once.
    Without the cache (the first run on a machine), or with a cache that does not read, jieba
    builds it and writes it as it always does."""
    import jieba

    path = os.path.join(tk.tmp_dir or tempfile.gettempdir(), "jieba.cache")
    if tk.dictionary == jieba.DEFAULT_DICT and not tk.cache_file and os.path.isfile(path):
        try:
            with open(path, "rb") as f:
                freq, total = marshal.loads(f.read())  # nosec B302 - the file jieba itself reads with marshal
        except (OSError, EOFError, ValueError, TypeError):
            pass  # unreadable: jieba rebuilds it below
        else:
            if isinstance(freq, dict) and freq:
                tk.FREQ, tk.total, tk.initialized = freq, total, True
                return
    tk.initialize()


_warming: "threading.Thread | None" = None


def warm() -> None:
    """Load the dictionary on a background thread, so a worker's first search does not wait."""
    global _warming
    if _tokenizer is None:
        _warming = threading.Thread(target=tokenizer, name="liuzhou-jieba-warm", daemon=True)
        _warming.start()


def warming() -> "threading.Thread | None":
    """The thread :func:`warm` started, while it is still loading the dictionary."""
    thread = _warming
    return thread if thread is not None and thread.is_alive() else None


def add_words(words: Iterable[str]) -> None:
    """Words to keep whole (synonym terms, departments' short names)."""
    global _generation
    # under the lock that the dictionary's loading holds: words added while another thread
    # (the warm-up's) loads it are neither lost nor added to the set it is reading
    with _lock:
        new = {w for w in words if w and w not in _added and len(w) > 1}
        if not new:
            return
        _added.update(new)
        if _tokenizer is not None:
            for word in new:
                _tokenizer.add_word(word, freq=200000)
        _generation += 1  # a new word may change how a remembered text is cut
    _cut.cache_clear()


def state() -> tuple[int, int]:
    """Which words were added to the dictionary, as far as this process knows: two processes
    forked from one cut alike while both give the state of the fork."""
    return (_generation, len(_added))


def cut(text: str) -> list[str]:
    """Words of ``text`` (spaces and punctuation dropped). Remembered (the same keywords and
    titles come back in every document of an import) until words are added."""
    return list(_cut(text, _generation))


@functools.lru_cache(maxsize=8192)
def _cut(text: str, generation: int) -> tuple[str, ...]:
    return tuple(w for w in tokenizer().lcut(text, HMM=True) if w.strip() and any(c.isalnum() for c in w))
