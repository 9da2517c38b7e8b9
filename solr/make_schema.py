#!/usr/bin/env python3
"""Write the Solr schema.xml variants for ckanext-liuzhou from CKAN's own schema.

CKAN ships its Solr schema inside the ckan package (ckan/config/solr/schema.xml).
We never copy it into this repository: this script reads the installed one and
writes

  stock    CKAN's schema, byte for byte (the baseline for relevance and speed tests)
  liuzhou  CKAN's schema plus the changes listed below (Chinese-aware free text)

Usage (stdlib only; run it with the Python that has ckan installed, or pass
--ckan-schema):

  python solr/make_schema.py --out-dir DIR            # DIR/stock/schema.xml, DIR/liuzhou/schema.xml
  python solr/make_schema.py --variant liuzhou -o FILE [--chain bigram|smartcn|icu]
  python solr/make_schema.py --diff                   # what liuzhou changes, as a unified diff
  python solr/make_schema.py --list-chains

The changes are text edits of single attributes plus two inserted blocks, so the
generated file keeps CKAN's comments and layout and `--diff` stays short. Every
edit checks that CKAN's schema still has what it expects (field, old type); a
CKAN upgrade that changes one of them makes this script fail instead of
silently producing something else.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# --------------------------------------------------------------------------
# The project's changes to CKAN's schema. Keep this list readable: it is the
# review surface for anything that changes search behaviour.
#
# (field, CKAN's type, our type, why)
# --------------------------------------------------------------------------
FIELD_TYPE_CHANGES: list[tuple[str, str, str, str]] = [
    ("text", "text", "text_zh",
     "catch-all copyField target; CKAN's default qf searches it. Receives title, notes, "
     "tags, groups, organization, res_name, res_description, extras_*, res_extras_*, "
     "vocab_*, author, maintainer, license, urls, so Chinese in any of them becomes findable"),
    ("title", "text", "text_zh",
     "title^4 in CKAN's qf; CKAN's `text` type splits on whitespace only, so a Chinese "
     "title was one token matched only as a whole"),
    ("notes", "text", "text_zh",
     "dataset description, fielded searches notes:..."),
    ("res_name", "text_general", "text_zh",
     "resource names, fielded searches res_name:..."),
    ("res_description", "text_general", "text_zh",
     "resource descriptions, fielded searches res_description:..."),
]
# Left as CKAN has them, on purpose:
#   tags, groups, organization, name (string): exact-match facets; their text reaches
#       `text` through CKAN's copyFields (tags -> text etc.), now analysed as text_zh.
#   extras_*, res_extras_* (dynamic, CKAN's `text`): kept so CKAN's extras round-trip
#       and fielded extras_foo:bar queries behave as upstream; both are copied into `text`.
#   title_ngram, name_ngram, title_string, urls, author, maintainer: unchanged.

# Dynamic fields we add (pattern, type, attributes). Placed before CKAN's catch-all
# `*` (string) so a schema-less field with one of these suffixes gets Chinese analysis
# instead of an exact-match string.
ADDED_DYNAMIC_FIELDS: list[tuple[str, str, dict[str, str]]] = [
    ("*_zh", "text_zh", {"indexed": "true", "stored": "true", "multiValued": "true"}),
]

# Fields the catalog indexes (ckanext/liuzhou/catalog/indexing.py): (name, type, attributes).
ADDED_FIELDS: list[tuple[str, str, dict[str, str]]] = [
    # names of a catalog entry's information items (信息项): a word found only there
    # must find the entry, so they are Chinese-analysed and copied into `text`.
    ("information_item_names", "text_zh", {"indexed": "true", "stored": "false", "multiValued": "true"}),
    # the provider department's level (city/county/township/village): a facet
    ("provider_level", "string", {"indexed": "true", "stored": "true", "multiValued": "false"}),
    # the provider and every department above it: fq=provider_ancestors:NAME is a subtree
    ("provider_ancestors", "string", {"indexed": "true", "stored": "true", "multiValued": "true"}),
    # the titles of the provider and of every department above it: 公安局 and 柳江区 find the
    # entries of 柳江区公安局 (searched by the catalog's query, ckanext/liuzhou/search/query.py)
    ("provider_text", "text_zh", {"indexed": "true", "stored": "false", "multiValued": "true"}),
    # the title and keywords as toneless pinyin syllables (ren kou) and initials (r k):
    # renkou, gongjijin and rk find 人口, 公积金
    ("title_py", "text_py", {"indexed": "true", "stored": "false", "multiValued": "true"}),
    ("title_py_initials", "text_py", {"indexed": "true", "stored": "false", "multiValued": "true"}),
    # the title's words keyed by their pinyin (huji|户籍): "did you mean" counts them with
    # facet.prefix within what the user may see
    ("vocab_py", "string", {"indexed": "true", "stored": "false", "multiValued": "true",
                            "docValues": "true", "useDocValuesAsStored": "false"}),
]
ADDED_COPY_FIELDS: list[tuple[str, str]] = [
    ("information_item_names", "text"),
]

# The search page's facet fields (catalog/search.py dataset_facets) get docValues: Solr then
# counts facets from columns written at index time instead of un-inverting each field into
# memory for every new searcher (20–180 ms on the first faceted query after each commit at
# 12,684 entries, README "Benchmarks"). useDocValuesAsStored="false": a field that was not
# stored is still not returned by fl. Changing docValues needs a reindex (scripts/solr.sh
# says so when a core's schema changes).
#   CKAN's fields: the attributes are added to CKAN's <field> element.
DOCVALUES_FIELDS: list[str] = ["organization", "tags"]
#   The scheming select fields reach Solr through CKAN's catch-all `*` (string, not stored,
#   single-valued): declared here as such, plus docValues.
FACET_FIELDS: list[str] = ["classification", "sharing_type", "update_cycle", "format_category",
                           "open_attribute"]
_DOCVALUES = {"docValues": "true", "useDocValuesAsStored": "false"}
ADDED_FIELDS += [(name, "string", {"indexed": "true", "stored": "false", "multiValued": "false",
                                   **_DOCVALUES}) for name in FACET_FIELDS]
for _i, (_name, _type, _attrs) in enumerate(ADDED_FIELDS):
    if _name == "provider_level":   # a facet too
        ADDED_FIELDS[_i] = (_name, _type, {**_attrs, **_DOCVALUES})

TEXT_ZH = "text_zh"
TEXT_PY = "text_py"
# Pinyin syllables or initials separated by spaces (search/indexing.py writes them).
TEXT_PY_FIELDTYPE = f"""
    <!-- ckanext-liuzhou: toneless pinyin syllables separated by spaces -->
    <fieldType name="{TEXT_PY}" class="solr.TextField" positionIncrementGap="100">
      <analyzer>
        <tokenizer class="solr.WhitespaceTokenizerFactory"/>
        <filter class="solr.LowerCaseFilterFactory"/>
      </analyzer>
    </fieldType>
"""

# --------------------------------------------------------------------------
# Chinese analysis chains for text_zh, selectable with --chain. Each is the
# <fieldType> body; `index` and `query` analyzers may differ.
# --------------------------------------------------------------------------
_BIGRAM_COMMON = """\
        <tokenizer class="solr.StandardTokenizerFactory"/>
        <filter class="solr.CJKWidthFilterFactory"/>
        <filter class="solr.LowerCaseFilterFactory"/>
        <filter class="solr.ASCIIFoldingFilterFactory" preserveOriginal="false"/>"""

# Measured with `python -m bench.relevance` (bench/relevance.py: 42 entries,
# 53 queries of tests/search/relevance_cases.json, a result = every entry a query matches,
# queries parsed as the plugin's before_dataset_search sends them: edismax, q.op=AND):
#
#   chain     micro P  micro R  must_not returned  what goes wrong
#   bigram     99.0%   100.0%   1                  人口 also matches 个人口腔 (a substring)
#   smartcn   100.0%    98.0%   0                  学生 misses 中小学生 (one word), 医保 定点 misses
#                                                  定点医药…医保 (医保 is out of vocabulary: 医/保)
#   icu       100.0%    97.0%   0                  交通 misses 交通事故 twice, 学生 misses 中小学生
#   stock CKAN 76.3%    57.4%   3                  (for comparison: whitespace tokens)
#
# bigram stays the default: it never loses an entry (a segmenter hides every entry whose word
# it keeps inside a longer one, and splits the jargon it does not know: 医保, 公积金, 基站),
# and its one near miss ranks last. Word n-grams inside a segmenter's words were tried too:
# grams at one position become an OR (SynonymQuery), precision fell to ~16%.
CHAINS: dict[str, dict[str, str | None]] = {
    # Default. Lucene analysis-common only. UAX#29 tokenizer: Latin words and numbers
    # stay whole ("PM2.5" -> pm2.5, "GDP" -> gdp), Han characters come out one by one and
    # are joined into overlapping bigrams. Index side also keeps the single characters
    # (outputUnigrams), stacked at the same positions as the bigrams, so one-character
    # queries (市, 县) still match; the query side uses bigrams only (a lone character
    # is still emitted as a unigram), which keeps multi-character queries precise.
    "bigram": {
        "summary": "StandardTokenizer + CJKWidth + LowerCase + ASCIIFolding + CJKBigram "
                   "(unigrams indexed, bigrams queried)",
        "attrs": 'autoGeneratePhraseQueries="false"',
        "index": _BIGRAM_COMMON + """
        <filter class="solr.CJKBigramFilterFactory" han="true" hiragana="true" katakana="true" hangul="true" outputUnigrams="true"/>""",
        "query": _BIGRAM_COMMON + """
        <filter class="solr.CJKBigramFilterFactory" han="true" hiragana="true" katakana="true" hangul="true" outputUnigrams="false"/>""",
    },
    # lucene-analysis-smartcn: HMM word segmentation with a built-in dictionary
    # (simplified Chinese). Emits punctuation as tokens, hence the stop filter.
    "smartcn": {
        "summary": "HMMChineseTokenizer (SmartChinese words) + CJKWidth + LowerCase "
                   "+ ASCIIFolding + punctuation stop filter",
        "attrs": 'autoGeneratePhraseQueries="false"',
        "index": """\
        <tokenizer class="solr.HMMChineseTokenizerFactory"/>
        <filter class="solr.CJKWidthFilterFactory"/>
        <filter class="solr.LowerCaseFilterFactory"/>
        <filter class="solr.ASCIIFoldingFilterFactory" preserveOriginal="false"/>
        <filter class="solr.StopFilterFactory" ignoreCase="true" words="stopwords_zh_punct.txt"/>""",
        "query": None,  # same as index
    },
    # lucene-analysis-icu: ICU's dictionary-based word segmentation for Han text and
    # UAX#29 for the rest; ICUFolding = NFKC + case folding + accent removal, which
    # covers CJKWidth + LowerCase + ASCIIFolding.
    "icu": {
        "summary": "ICUTokenizer (ICU dictionary words) + ICUFolding",
        "attrs": 'autoGeneratePhraseQueries="false"',
        "index": """\
        <tokenizer class="solr.ICUTokenizerFactory"/>
        <filter class="solr.ICUFoldingFilterFactory"/>""",
        "query": None,
    },
}
DEFAULT_CHAIN = "bigram"


class SchemaError(Exception):
    pass


# --------------------------------------------------------------------------
def find_ckan_schema() -> Path:
    """CKAN's schema.xml of the ckan package this interpreter can import.

    Uses importlib's spec lookup only: ckan itself is not imported (no config needed).
    """
    spec = importlib.util.find_spec("ckan")
    if spec is None or not spec.submodule_search_locations:
        raise SchemaError(
            f"the ckan package is not importable by {sys.executable}; run this script with "
            "CKAN's Python (e.g. PYTHON=/path/to/venv/bin/python) or pass --ckan-schema")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "config" / "solr" / "schema.xml"
        if p.is_file():
            return p
    raise SchemaError(f"no config/solr/schema.xml in {list(spec.submodule_search_locations)}")


def text_zh_fieldtype(chain: str) -> str:
    c = CHAINS[chain]
    query = c["query"] or c["index"]
    return f"""
    <!-- ckanext-liuzhou: Chinese-aware free text, chain "{chain}":
         {c["summary"]} -->
    <fieldType name="{TEXT_ZH}" class="solr.TextField" positionIncrementGap="100" {c["attrs"]}>
      <analyzer type="index">
{c["index"]}
      </analyzer>
      <analyzer type="query">
{query}
      </analyzer>
    </fieldType>
"""


def _one(pattern: str, text: str, what: str) -> re.Match:
    matches = list(re.finditer(pattern, text))
    if len(matches) != 1:
        raise SchemaError(f"expected exactly one {what} in CKAN's schema, found {len(matches)}")
    return matches[0]


def _set_field_type(text: str, field: str, old: str, new: str) -> str:
    tag = _one(r'<field\s[^>]*\bname="%s"[^>]*>' % re.escape(field), text, f'<field name="{field}">')
    tag_text = tag.group(0)
    t = _one(r'\btype="([^"]*)"', tag_text, f'type attribute on <field name="{field}">')
    if t.group(1) != old:
        raise SchemaError(
            f'field "{field}" has type "{t.group(1)}" in CKAN\'s schema, expected "{old}": '
            "CKAN's schema changed, review FIELD_TYPE_CHANGES in solr/make_schema.py")
    new_tag = tag_text[:t.start(1)] + new + tag_text[t.end(1):]
    return text[:tag.start()] + new_tag + text[tag.end():]


def _add_field_attrs(text: str, field: str, attrs: dict[str, str]) -> str:
    tag = _one(r'<field\s[^>]*\bname="%s"[^>]*>' % re.escape(field), text, f'<field name="{field}">')
    tag_text = tag.group(0)
    for k in attrs:
        if re.search(r'\b%s=' % re.escape(k), tag_text):
            raise SchemaError(f'field "{field}" already has {k} in CKAN\'s schema: review '
                              "DOCVALUES_FIELDS in solr/make_schema.py")
    end = tag_text.rstrip(">").rstrip("/").rstrip()
    added = "".join(f' {k}="{v}"' for k, v in attrs.items())
    new_tag = end + added + tag_text[len(end):]
    return text[:tag.start()] + new_tag + text[tag.end():]


def make_liuzhou(stock: str, chain: str, source: str) -> str:
    if chain not in CHAINS:
        raise SchemaError(f"unknown chain {chain!r}; choose from {', '.join(CHAINS)}")
    out = stock
    if re.search(r'<fieldType\s[^>]*\bname="%s"' % TEXT_ZH, out):
        raise SchemaError(f"CKAN's schema already defines {TEXT_ZH}; review solr/make_schema.py")

    # 1. the text_zh field type, at the end of <types>
    end_types = _one(r"</types>", out, "</types>")
    out = (out[:end_types.start()] + text_zh_fieldtype(chain).lstrip("\n") + TEXT_PY_FIELDTYPE.lstrip("\n")
           + "\n" + out[end_types.start():])

    # 2. field -> type changes
    for field, old, new, _why in FIELD_TYPE_CHANGES:
        out = _set_field_type(out, field, old, new)
    for field in DOCVALUES_FIELDS:
        out = _add_field_attrs(out, field, _DOCVALUES)

    # 3. dynamic fields, before CKAN's catch-all "*"
    catch_all = _one(r'[ \t]*<dynamicField\s+name="\*"', out, 'catch-all <dynamicField name="*">')
    lines = ["    <!-- ckanext-liuzhou: catalog fields -->\n"]
    for name, ftype, attrs in ADDED_FIELDS:
        if re.search(r'<field\s[^>]*\bname="%s"' % re.escape(name), out):
            raise SchemaError(f"CKAN's schema already has field {name}")
        a = " ".join(f'{k}="{v}"' for k, v in attrs.items())
        lines.append(f'    <field name="{name}" type="{ftype}" {a}/>\n')
    lines.append("    <!-- ckanext-liuzhou: Chinese-analysed dynamic fields -->\n")
    for pattern, ftype, attrs in ADDED_DYNAMIC_FIELDS:
        if re.search(r'<dynamicField\s[^>]*\bname="%s"' % re.escape(pattern), out):
            raise SchemaError(f"CKAN's schema already has dynamicField {pattern}")
        a = " ".join(f'{k}="{v}"' for k, v in attrs.items())
        lines.append(f'    <dynamicField name="{pattern}" type="{ftype}" {a}/>\n')
    out = out[:catch_all.start()] + "".join(lines) + out[catch_all.start():]

    # 4. copyFields, after CKAN's last one
    last_copy = list(re.finditer(r"<copyField\s[^>]*/>[ \t]*\n", out))[-1]
    added = "".join(f'<copyField source="{src}" dest="{dst}"/>\n' for src, dst in ADDED_COPY_FIELDS)
    out = out[:last_copy.end()] + added + out[last_copy.end():]

    # 5. a header saying where this came from (after the XML declaration)
    changes = "\n".join(f"       {f}: {o} -> {n}" for f, o, n, _ in FIELD_TYPE_CHANGES)
    dyn = ", ".join(p for p, _, _ in ADDED_DYNAMIC_FIELDS)
    header = (
        "<!-- GENERATED by ckanext-liuzhou solr/make_schema.py: do not edit, edit the script.\n"
        f"     Source: {source}\n"
        f"     Variant: liuzhou, chain \"{chain}\" (added field type {TEXT_ZH})\n"
        f"     Field type changes:\n{changes}\n"
        f"     Added fields: {', '.join(n for n, _, _ in ADDED_FIELDS)}\n"
        f"     docValues (facets): {', '.join(_docvalue_fields())}\n"
        f"     Added dynamic fields: {dyn} -->\n")
    decl = re.match(r"<\?xml[^>]*\?>\s*\n", out)
    pos = decl.end() if decl else 0
    out = out[:pos] + header + out[pos:]

    check(stock, out)
    return out


def _fields(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    res = {}
    for el in root.iter():
        if el.tag in ("field", "dynamicField"):
            res[(el.tag, el.get("name"))] = el
    return res


def check(stock: str, liuzhou: str) -> None:
    """The liuzhou schema parses, keeps CKAN's name/version and every field, and differs
    from stock exactly by the listed changes."""
    try:
        s_root = ET.fromstring(stock.encode("utf-8"))
        l_root = ET.fromstring(liuzhou.encode("utf-8"))
    except ET.ParseError as e:
        raise SchemaError(f"generated schema is not well-formed XML: {e}") from e
    for attr in ("name", "version"):
        if s_root.get(attr) != l_root.get(attr):
            raise SchemaError(f"schema {attr} changed: {s_root.get(attr)} -> {l_root.get(attr)}")
    if s_root.findtext("uniqueKey") != l_root.findtext("uniqueKey"):
        raise SchemaError("uniqueKey changed")
    s_f, l_f = _fields(s_root), _fields(l_root)
    expected_types = {("field", f): new for f, _, new, _ in FIELD_TYPE_CHANGES}
    for p, t, _ in ADDED_DYNAMIC_FIELDS:
        expected_types[("dynamicField", p)] = t
    for n, t, _ in ADDED_FIELDS:
        expected_types[("field", n)] = t
    for key, el in s_f.items():
        if key not in l_f:
            raise SchemaError(f"{key[0]} {key[1]} missing from the liuzhou schema")
        want = expected_types.get(key, el.get("type"))
        if l_f[key].get("type") != want:
            raise SchemaError(f"{key[0]} {key[1]}: type {l_f[key].get('type')}, expected {want}")
    extra = set(l_f) - set(s_f) - set(expected_types)
    if extra:
        raise SchemaError(f"unexpected new fields: {sorted(extra)}")
    copy = lambda r: sorted((c.get("source"), c.get("dest")) for c in r.iter("copyField"))
    if sorted(copy(s_root) + list(ADDED_COPY_FIELDS)) != copy(l_root):
        raise SchemaError("copyFields changed")
    for name in _docvalue_fields():
        el = l_f.get(("field", name))
        if el is None or el.get("docValues") != "true":
            raise SchemaError(f"facet field {name} has no docValues")
    types = {t.get("name") for t in l_root.iter() if t.tag.lower() == "fieldtype"}
    for name in (TEXT_ZH, TEXT_PY):
        if name not in types:
            raise SchemaError(f"{name} field type missing")


def _docvalue_fields() -> list[str]:
    return [*DOCVALUES_FIELDS, *(n for n, _, a in ADDED_FIELDS if a.get("docValues") == "true")]


# --------------------------------------------------------------------------
def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Write CKAN's Solr schema (stock) and the ckanext-liuzhou variant.")
    ap.add_argument("--ckan-schema", type=Path,
                    help="CKAN's schema.xml (default: from the importable ckan package)")
    ap.add_argument("--chain", default=os.environ.get("SOLR_ZH_CHAIN", DEFAULT_CHAIN),
                    choices=sorted(CHAINS),
                    help="Chinese analysis chain for text_zh (default: $SOLR_ZH_CHAIN or "
                         f"{DEFAULT_CHAIN})")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out-dir", type=Path,
                   help="write OUT_DIR/stock/schema.xml and OUT_DIR/liuzhou/schema.xml")
    g.add_argument("--variant", choices=("stock", "liuzhou"),
                   help="write one variant to -o/--output (or stdout)")
    g.add_argument("--diff", action="store_true", help="print stock -> liuzhou as a unified diff")
    g.add_argument("--list-chains", action="store_true", help="list the --chain names")
    ap.add_argument("-o", "--output", type=Path, help="with --variant: file to write")
    args = ap.parse_args(argv)

    if args.list_chains:
        for name, c in CHAINS.items():
            print(f"{name:8} {c['summary']}{'  (default)' if name == DEFAULT_CHAIN else ''}")
        return 0

    try:
        src = args.ckan_schema or find_ckan_schema()
        stock = Path(src).read_text(encoding="utf-8")
        liuzhou = make_liuzhou(stock, args.chain, str(src))
    except (SchemaError, OSError) as e:
        print(f"make_schema: {e}", file=sys.stderr)
        return 1

    if args.diff:
        sys.stdout.writelines(difflib.unified_diff(
            stock.splitlines(True), liuzhou.splitlines(True), "stock/schema.xml",
            f"liuzhou/schema.xml (chain {args.chain})"))
    elif args.out_dir:
        _write(args.out_dir / "stock" / "schema.xml", stock)
        _write(args.out_dir / "liuzhou" / "schema.xml", liuzhou)
    else:
        text = stock if args.variant == "stock" else liuzhou
        if args.output:
            _write(args.output, text)
        else:
            sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
