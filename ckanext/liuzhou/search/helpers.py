"""Template helpers of search: why an entry matched (the query's words marked in its title and
in a short snippet), and the notes above the results (partial matches, did you mean).

They return text segments, ``[(text, matched)]``; the templates do the markup
(``liuzhou/snippets/marked.html``).
"""
from __future__ import annotations

import html
import json
import re
import textwrap

import ckan.plugins.toolkit as tk

from . import hooks, pinyin

Segments = list[tuple[str, bool]]


def _spans(text: str, q: str) -> list[tuple[int, int]]:
    p = hooks.parsed(q)
    if not p.natural:
        return []
    spans = []
    lower = text.lower()
    for word in p.highlight_words():
        w = word.lower()
        start = lower.find(w)
        while start >= 0 and w:
            spans.append((start, start + len(w)))
            start = lower.find(w, start + len(w))
    runs = p.pinyin_runs()
    if runs:
        syllables = pinyin.char_syllables(text)
        for run in runs:
            n = len(run)
            for i in range(len(syllables) - n + 1):
                if tuple(syllables[i:i + n]) == run:
                    spans.append((i, i + n))
    return sorted(spans)


def _segments(text: str, spans: list[tuple[int, int]]) -> Segments:
    out: Segments = []
    pos = 0
    for start, end in spans:
        if end <= pos:
            continue
        start = max(start, pos)
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def liuzhou_search_marks(text: str | None, q: str | None) -> Segments:
    """``text`` cut into segments, the query's words (and their synonyms, and the characters a
    pinyin word stands for) marked."""
    text = text or ""
    if not q or not text:
        return [(text, False)]
    return _segments(text, _spans(text, q))


def liuzhou_search_snippet(package: dict, q: str | None, notes: str | None = None,
                           width: int = 90) -> Segments | None:
    """A window of the abstract, or else of the information items' names, around the first
    word of the query it holds; None when neither holds one. ``notes``: the abstract as plain
    text when the caller has it already (the result item's 180-character extract), so the
    abstract's Markdown is not rendered twice."""
    if not q:
        return None
    if notes is None:
        notes = tk.h.markdown_extract(package.get("notes") or "", extract_length=0) or ""
    notes = html.unescape(str(notes))  # plain text (entities decoded): the template escapes it
    items = package.get("information_items") or []
    if isinstance(items, str):
        try:
            items = json.loads(items)
        except ValueError:
            items = []
    item_text = "、".join(str(i.get("name")) for i in items if isinstance(i, dict) and i.get("name"))
    for source, prefix in ((notes, ""), (item_text, tk._("Information items: "))):
        source = re.sub(r"\s+", " ", source)
        spans = _spans(source, q)
        if not spans:
            continue
        first = spans[0][0]
        start = max(0, first - width // 3)
        end = min(len(source), start + width)
        window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        segments = _segments(source[start:end], window)
        if start > 0:
            segments.insert(0, ("…", False))
        if end < len(source):
            segments.append(("…", False))
        if prefix:
            segments.insert(0, (prefix, False))
        return segments
    return None


# A line of text Python-Markdown returns as one paragraph, unchanged: no inline markup (code,
# emphasis, links, images, escapes, HTML, entities), no block marker at its start (heading,
# quote, list, rule, indented code) and nothing the paragraph would trim or break on.
_MARKUP = re.compile(r"[\\`*_\[\]!<>&]")
_BLOCK_START = re.compile(r"[#>=+*-]|\d+[.)]")


def plain_paragraph(text: str) -> bool:
    """True when ``markdown(text)`` is ``<p>text</p>``: the abstracts of catalog entries
    nearly always are (one line of Chinese prose)."""
    return (text.isprintable() and text == text.strip() and not _MARKUP.search(text)
            and not _BLOCK_START.match(text))


@tk.chained_helper
def markdown_extract(next_helper, text: str, extract_length: int = 190):
    """CKAN's ``markdown_extract`` without rendering Markdown when the text has none.

    Each result of the search page extracts its abstract (CKAN's ``package_item.html``); a
    Markdown render and an HTML clean cost about a millisecond each, most of the page's result
    list. Text the check above passes renders to itself, so the answer is the same string
    (``tests/search/test_extract.py`` compares both on the real catalogs' abstracts)."""
    if not text or not isinstance(text, str) or not plain_paragraph(text):
        return next_helper(text, extract_length)
    if not extract_length or len(text) < extract_length:
        return text
    return textwrap.shorten(text, width=extract_length, placeholder="...")


def liuzhou_search_notes(q: str | None) -> dict:
    """``{relaxed, did_you_mean}`` of the page's search for ``q``."""
    return hooks.page_notes(q)


def get_helpers() -> dict:
    return {"liuzhou_search_marks": liuzhou_search_marks,
            "liuzhou_search_snippet": liuzhou_search_snippet,
            "liuzhou_search_notes": liuzhou_search_notes,
            "markdown_extract": markdown_extract}
