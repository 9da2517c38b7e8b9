"""Code lists of the catalog (design.md, API names) with their Chinese and English labels.

The scheming YAML holds the field choices; this module holds what validators and the
resource-code assignment need beyond them: which sub-classes belong to which
classification, and their numbers in the classification code.
"""
from __future__ import annotations

# 类: 1 base, 2 theme, 3 department (政务信息资源目录编制指南)
CLASSIFICATION_DIGIT = {"base": "1", "theme": "2", "department": "3"}

# 项: ordered sub-classes; the two-digit number is the position (01, 02, …). Never reorder:
# resource codes already issued embed these numbers.
SUBCLASSES: dict[str, list[tuple[str, str, str]]] = {
    "base": [
        ("population", "人口基础信息", "Population"),
        ("legal_person", "法人基础信息", "Legal persons"),
        ("natural_resources", "自然资源和空间地理基础信息", "Natural resources and geography"),
        ("credit", "社会信用基础信息", "Social credit"),
        ("economy", "宏观经济基础信息", "Macro-economy"),
        ("licences", "电子证照基础信息", "Electronic licences"),
    ],
    "theme": [
        ("public_service", "公共服务", "Public services"),
        ("health", "健康保障", "Health"),
        ("social_security", "社会保障", "Social security"),
        ("food_drug_safety", "食品药品安全", "Food and drug safety"),
        ("work_safety", "安全生产", "Work safety"),
        ("price_supervision", "价格监管", "Price supervision"),
        ("energy_security", "能源安全", "Energy security"),
        ("credit_system", "信用体系", "Credit system"),
        ("urban_rural_construction", "城乡建设", "Urban and rural construction"),
        ("community_governance", "社区治理", "Community governance"),
        ("ecology_environment", "生态环保", "Ecology and environment"),
        ("emergency_stability", "应急维稳", "Emergency response and stability"),
    ],
    "department": [
        ("department", "部门信息资源", "Department resources"),
    ],
}

SUBCLASS_OF = {code: cls for cls, rows in SUBCLASSES.items() for code, _, _ in rows}
SUBCLASS_NUMBER = {code: f"{i:02d}" for rows in SUBCLASSES.values() for i, (code, _, _) in enumerate(rows, 1)}

# Art 15 — who leads each base catalog, by default (organization names; config can change them).
DEFAULT_LEAD_DEPARTMENTS = {
    "population": ["lzsgaj"],
    "legal_person": ["lzsscjdglj"],
    "natural_resources": ["lzszrzyhghj"],
    "credit": ["lzsfzhggwyh"],
    "economy": ["lzsfzhggwyh"],
    "licences": ["lzsxzspj", "lzsdsjfzj"],
}

LEVELS = ["city", "county", "township", "village"]  # top to bottom
LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}

DATA_TYPES = "CNYDTLMGBIF"
# Types whose size the length defines: an information item of these types states it.
LENGTH_REQUIRED = frozenset("CNYBF")
# Sane length bounds per national type code (inclusive); None = no length expected.
LENGTH_BOUNDS = {
    "C": (1, 4000), "N": (1, 38), "Y": (1, 38), "D": (8, 10), "T": (14, 26), "L": (1, 1),
    "M": (1, 1_000_000), "G": (1, 1_000_000_000), "B": (1, 38), "I": (1, 20), "F": (1, 38),
}
