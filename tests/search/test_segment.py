"""The word cutter shared by a web process's threads (ckanext/liuzhou/search/segment.py)."""
from __future__ import annotations

import threading

import jieba

from ckanext.liuzhou.search import segment


def test_words_added_while_another_thread_loads_the_dictionary_are_kept(monkeypatch):
    """A worker loads jieba's dictionary on a warm-up thread while its first search adds the
    vocabulary's words: the loading must neither fail on the set it reads nor lose the words."""
    monkeypatch.setattr(segment, "_tokenizer", None)
    monkeypatch.setattr(segment, "_added", {"柳州螺蛳粉"})
    in_loop, go_on = threading.Event(), threading.Event()
    real_add_word = jieba.Tokenizer.add_word

    def add_word(self, word, *args, **kwargs):
        if threading.current_thread().name == "loader" and not in_loop.is_set():
            in_loop.set()  # the loader is adding the words it found: hold it there
            go_on.wait(10)
        return real_add_word(self, word, *args, **kwargs)

    monkeypatch.setattr(jieba.Tokenizer, "add_word", add_word)
    failures = []

    def load():
        try:
            segment.tokenizer()
        except Exception as e:  # noqa: BLE001 (what the test reports)
            failures.append(e)

    loader = threading.Thread(target=load, name="loader")
    loader.start()
    assert in_loop.wait(60), "the dictionary did not load"
    adder = threading.Thread(target=segment.add_words, args=(["鹿寨县政务服务中心"],))
    adder.start()
    adder.join(0.5)  # the adder waits for the loader, or (the fault) changes the set under it
    go_on.set()
    loader.join(60)
    adder.join(60)
    assert failures == []
    tk = segment.tokenizer()
    assert tk.FREQ.get("鹿寨县政务服务中心") and tk.FREQ.get("柳州螺蛳粉")
    assert "鹿寨县政务服务中心" in segment.cut("鹿寨县政务服务中心的办件信息")


def _tokenizer_in(tmp_path):
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(tmp_path)
    return tk


def test_the_dictionary_comes_from_jiebas_cache_in_one_read(tmp_path, monkeypatch):
    """With jieba's cache file there, the dictionary is what the file holds, read without
    jieba's own ``initialize`` (whose ``marshal.load`` of the open file reads it piecemeal)."""
    import marshal

    (tmp_path / "jieba.cache").write_bytes(marshal.dumps(({"柳州": 10, "柳": 0, "螺蛳粉": 5}, 15)))

    def initialize(self, *args, **kwargs):
        raise AssertionError("jieba's own loading was used")

    tk = _tokenizer_in(tmp_path)
    monkeypatch.setattr(jieba.Tokenizer, "initialize", initialize)
    segment._initialize(tk)
    assert tk.initialized
    assert tk.FREQ == {"柳州": 10, "柳": 0, "螺蛳粉": 5} and tk.total == 15


def test_without_a_readable_cache_jieba_loads_the_dictionary_itself(tmp_path, monkeypatch):
    """No cache file (a machine's first run), or one that does not read: jieba's own loading,
    which builds the dictionary and writes the cache."""
    calls = []
    monkeypatch.setattr(jieba.Tokenizer, "initialize", lambda self, *a, **k: calls.append(self))
    for content in (None, b"not marshal data", b""):
        cache = tmp_path / "jieba.cache"
        if content is None:
            cache.unlink(missing_ok=True)
        else:
            cache.write_bytes(content)
        tk = _tokenizer_in(tmp_path)
        segment._initialize(tk)
        assert calls[-1] is tk and not tk.initialized
    assert len(calls) == 3


def test_the_dictionary_read_from_the_cache_is_jiebas_own():
    """Read from the cache (jieba's own loading has written it by then), the dictionary is the
    one jieba's loading gives: the same entries and total, the same cuts."""
    own = jieba.Tokenizer()
    own.initialize()
    read = jieba.Tokenizer()
    segment._initialize(read)
    assert read.initialized and read.total == own.total and read.FREQ == own.FREQ
    text = "柳州市民政局婚姻登记信息查询"
    assert own.lcut(text, HMM=True) == read.lcut(text, HMM=True)
