"""Template helpers of the catalog."""
from __future__ import annotations

from . import tree, vocab


def liuzhou_subclass_choices(field=None) -> list[dict]:
    """All sub-classes, labelled with their classification, for the scheming select."""
    cls_label = {"base": ("基础", "Base"), "theme": ("主题", "Theme"), "department": ("部门", "Department")}
    choices = []
    for cls, rows in vocab.SUBCLASSES.items():
        zh, en = cls_label[cls]
        for code, label_zh, label_en in rows:
            choices.append({
                "value": code,
                "label": {"zh_Hans_CN": f"{zh} · {label_zh}", "en": f"{en} · {label_en}"},
                "classification": cls,
            })
    return choices


def liuzhou_department_choices(field=None) -> list[dict]:
    """Every active department in tree order, indented by depth, for a scheming select."""
    out: list[dict] = []

    def walk(nodes, depth):
        for n in nodes:
            out.append({"value": n["name"], "label": "\u3000" * depth + (n["title"] or n["name"])})
            walk(n["children"], depth + 1)
    walk(tree.forest(), 0)
    return out


def get_helpers() -> dict:
    return {
        "liuzhou_subclass_choices": liuzhou_subclass_choices,
        "liuzhou_department_choices": liuzhou_department_choices,
    }
