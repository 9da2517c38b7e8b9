"""The generated pages of the documentation (scripts/mkdocs_hooks.py): every declared option,
every registered action and every article an action cites reaches its page, and a README link
to a missing file, or a file named in a page that is not in the repository, is reported (mkdocs
--strict turns the report into a failed build)."""
from __future__ import annotations

import importlib.util
import inspect
import logging
import os

import yaml

from ckanext.liuzhou import registry

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _hooks():
    spec = importlib.util.spec_from_file_location("mkdocs_hooks", os.path.join(REPO, "scripts", "mkdocs_hooks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _hooks()


def test_every_declared_option_is_in_the_configuration_reference():
    with open(os.path.join(REPO, "ckanext", "liuzhou", "config_declaration.yaml"), encoding="utf-8") as f:
        keys = [o["key"] for g in yaml.safe_load(f)["groups"] for o in g.get("options") or []]
    page = hooks.config_reference()
    assert keys and [k for k in keys if f"| `{k}` |" not in page] == []


def test_every_registered_action_has_its_section_and_docstring_in_the_api_reference():
    page = hooks.api_reference()
    actions = registry.actions()
    assert [n for n in actions if f"\n### {n}\n" not in page] == []
    assert [n for n in registry.auth_functions() if f"| `{n}` |" not in page] == []
    documented = [n for n, f in actions.items() if inspect.getdoc(f)]
    assert documented and all(inspect.getdoc(actions[n]).splitlines()[0] in page for n in documented)


def test_cited_articles_reads_lists_ranges_and_sub_articles():
    assert hooks.cited_articles("Art 26.2: review within 3 WD") == {26}
    assert hooks.cited_articles("deadlines of Art 12, 14, 21, 26") == {12, 14, 21, 26}
    assert hooks.cited_articles("Art 20–21 offlining; Art 33.1 flags") == {20, 21, 33}
    assert hooks.cited_articles("holidays of 全国年节及纪念日放假办法 (Art 2)") == set()
    assert hooks.cited_articles("no article here") == set()


def test_the_articles_page_lists_the_action_under_each_article_it_cites():
    page = hooks.articles_reference()
    for name, func in registry.actions().items():
        for article in hooks.cited_articles(inspect.getdoc(func) or ""):
            row = next(line for line in page.splitlines() if line.startswith(f"| Art {article} |"))
            assert f"[`{name}`](api.md#{name})" in row


def test_a_readme_link_to_a_missing_file_is_reported(tmp_path, monkeypatch, caplog):
    readme = tmp_path / "README.md"
    readme.write_text("[guide](docs/catalog.md) [gone](docs/no-such-page.md) [web](https://example.invalid/)\n",
                      encoding="utf-8")
    monkeypatch.setattr(hooks, "README", str(readme))
    # CKAN's logging set-up (fileConfig) disables loggers made before it, as this one was at import.
    monkeypatch.setattr(hooks.log, "disabled", False)
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.liuzhou"):
        page = hooks.home_page()
    assert [r.getMessage() for r in caplog.records if r.name == "mkdocs.hooks.liuzhou"] == [
        "README.md links to docs/no-such-page.md, which is not in the repository"]
    assert "[guide](catalog.md)" in page and "[web](https://example.invalid/)" in page


def test_the_pages_name_only_files_that_exist():
    assert hooks.missing_paths() == []


def test_a_page_naming_a_missing_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "ckanext" / "liuzhou" / "sharing").mkdir(parents=True)
    (tmp_path / "ckanext" / "liuzhou" / "sharing" / "roles.py").write_text("", encoding="utf-8")
    (tmp_path / "README.md").write_text("`sharing/roles.py`, `.stack/ckan.ini`, `../shared/design.md`\n",
                                        encoding="utf-8")
    (tmp_path / "docs" / "guide.md").write_text("see `ckanext/liuzhou/ops/soak.py` and `sharing/roles.py`\n",
                                                encoding="utf-8")
    monkeypatch.setattr(hooks, "REPO", str(tmp_path))
    monkeypatch.setattr(hooks, "README", str(tmp_path / "README.md"))
    assert hooks.missing_paths() == [("docs/guide.md", "ckanext/liuzhou/ops/soak.py")]
