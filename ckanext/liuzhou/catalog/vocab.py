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

# Art 15 — theme catalogs, co-built by several departments, are compiled and maintained by the
# theme's lead department: who leads each theme by default (config can change them).
DEFAULT_THEME_LEAD_DEPARTMENTS = {
    "public_service": ["lzsxzspj"],           # 市行政审批局
    "health": ["lzswsjkwyh"],                 # 市卫生健康委员会
    "social_security": ["lzsrlzyhshbzj"],     # 市人力资源和社会保障局
    "food_drug_safety": ["lzsscjdglj"],       # 市市场监督管理局
    "work_safety": ["lzsyjglj"],              # 市应急管理局
    "price_supervision": ["lzsfzhggwyh"],     # 市发展和改革委员会
    "energy_security": ["lzsfzhggwyh"],
    "credit_system": ["lzsfzhggwyh"],
    "urban_rural_construction": ["lzszfhcxjsj"],  # 市住房和城乡建设局
    "community_governance": ["lzsmzj"],       # 市民政局
    "ecology_environment": ["lzssthjj"],      # 市生态环境局
    "emergency_stability": ["lzsyjglj"],
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
