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
