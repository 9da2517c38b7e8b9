"""Realistic Chinese catalog entries for the benchmarks, generated deterministically.

``entry(i, seed)`` is the i-th entry of a catalog: a title, an abstract, four to ten
information items, keywords and one to three resources, owned by a department of Liuzhou's
real tree (``ckanext/liuzhou/demo/departments.csv``, four levels), with the shapes of
``demo/catalog_entries.json``: base entries belong to their Art 15 lead department, theme
entries name a lead department, conditional and not-shared entries state their conditions
and legal basis (Art 22). The same ``(i, seed)`` always gives the same entry, so the project
and stock CKAN get identical content and a rerun with ``--keep`` knows what is loaded.

``to_stock(entry)`` is the same entry as a plain CKAN dataset: title, notes, tags, extras
and resources, with the catalog fields as extras (information items as JSON text).
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

from ckanext.liuzhou.catalog import vocab

REPO = Path(__file__).resolve().parents[1]
DEPARTMENTS_CSV = REPO / "ckanext" / "liuzhou" / "demo" / "departments.csv"

# Share of entries per level of the provider (the real tree has few townships and villages,
# so each of them carries more entries than a city bureau does on average).
LEVEL_WEIGHTS = {"city": 0.62, "county": 0.26, "township": 0.08, "village": 0.04}
CLASS_WEIGHTS = {"base": 0.18, "theme": 0.30, "department": 0.52}
SHARING_WEIGHTS = {"unconditional": 0.45, "conditional": 0.45, "not_shared": 0.10}
OPEN_WEIGHTS = {"open": 0.30, "conditional_open": 0.15, "not_open": 0.55}
CYCLES = ["realtime", "daily", "weekly", "monthly", "quarterly", "half_yearly", "yearly", "irregular"]
FORMATS = ["database", "spreadsheet", "document", "api", "image", "self_describing"]

# Information items: (name, identifier, national type code, length or None)
I = lambda name, ident, t="C", n=50: (name, ident, t, n)  # noqa: E731
COMMON_ITEMS = [
    I("统一社会信用代码", "tyshxydm", "C", 18), I("行政区划代码", "xzqhdm", "C", 12),
    I("登记日期", "djrq", "D", 8), I("更新时间", "gxsj", "T", 14), I("经办人", "jbr"),
    I("经办机构", "jbjg", "C", 100), I("备注", "bz", "C", 500), I("联系电话", "lxdh", "C", 20),
    I("数据来源", "sjly", "C", 100), I("状态", "zt", "C", 2), I("有效期至", "yxqz", "D", 8),
    I("地址", "dz", "C", 200), I("序号", "xh", "I", 10), I("记录标识", "jlbs", "C", 32),
]


@dataclass(frozen=True)
class Domain:
    """A field of government work: what entries about it are called and what they hold."""
    subjects: tuple[str, ...]
    items: tuple[tuple, ...]
    tags: tuple[str, ...]
    themes: tuple[str, ...]          # theme sub-classes it may fall under
    purposes: tuple[str, ...]


DOMAINS: dict[str, Domain] = {
    "population": Domain(
        ("常住人口", "户籍人口", "流动人口居住登记", "出生登记", "死亡登记", "户口迁移", "居民身份证办理",
         "暂住人口", "人口变动", "姓名变更"),
        (I("公民身份号码", "gmsfhm", "C", 18), I("姓名", "xm"), I("性别", "xb", "C", 1), I("出生日期", "csrq", "D", 8),
         I("民族", "mz", "C", 2), I("户籍地址", "hjdz", "C", 200), I("居住地址", "jzdz", "C", 200),
         I("户主关系", "hzgx", "C", 2), I("迁入日期", "qrrq", "D", 8), I("文化程度", "whcd", "C", 2)),
        ("人口", "户籍", "身份核验", "居住登记"), ("public_service", "community_governance"),
        ("政务服务办理时的身份核验", "人口统计分析", "社区网格化管理")),
    "vehicles": Domain(
        ("机动车登记", "机动车驾驶人", "交通违法记录", "交通事故", "车辆年检", "电动自行车登记"),
        (I("号牌号码", "hphm", "C", 15), I("号牌种类", "hpzl", "C", 2), I("车辆识别代号", "clsbdh", "C", 17),
         I("机动车所有人", "jdcsyr", "C", 100), I("准驾车型", "zjcx", "C", 10), I("违法时间", "wfsj", "T", 14),
         I("违法地点", "wfdd", "C", 200), I("处罚金额", "cfje", "Y", 12), I("记分", "jf", "N", 3)),
        ("机动车", "驾驶人", "交通"), ("public_service", "work_safety"),
        ("交通管理和执法", "保险理赔核验", "道路运输监管")),
    "legal_person": Domain(
        ("企业登记", "个体工商户登记", "企业年报", "行政许可", "行政处罚", "经营异常名录", "食品经营许可",
         "特种设备登记", "商标注册", "产品质量抽检"),
        (I("企业名称", "qymc", "C", 200), I("法定代表人", "fddbr"), I("注册资本", "zczb", "Y", 18),
         I("成立日期", "clrq", "D", 8), I("经营范围", "jyfw", "C", 2000), I("登记机关", "djjg", "C", 100),
         I("企业类型", "qylx", "C", 4), I("许可证编号", "xkzbh", "C", 50), I("处罚决定书文号", "cfjdswh", "C", 100)),
        ("企业", "市场主体", "许可", "监管"), ("food_drug_safety", "price_supervision", "credit_system"),
        ("市场主体准入和监管", "招投标资格审查", "涉企政策精准推送")),
    "land": Domain(
        ("不动产登记", "土地利用现状", "国土空间规划", "建设用地审批", "耕地保护", "地质灾害隐患点", "矿产资源",
         "林地资源", "测绘成果"),
        (I("不动产单元号", "bdcdyh", "C", 28), I("权利人", "qlr", "C", 200), I("坐落", "zl", "C", 200),
         I("宗地面积", "zdmj", "N", 15), I("土地用途", "tdyt", "C", 4), I("权利类型", "qllx", "C", 4),
         I("图斑编号", "tbbh", "C", 30), I("地类编码", "dlbm", "C", 4), I("经度", "jd", "N", 12), I("纬度", "wd", "N", 12)),
        ("不动产", "土地", "空间地理", "规划"), ("urban_rural_construction", "ecology_environment"),
        ("不动产交易和抵押登记", "用地审批和规划管理", "自然灾害防治")),
    "credit": Domain(
        ("公共信用信息", "守信激励对象", "失信惩戒对象", "信用承诺", "信用修复", "重大项目", "政府投资项目",
         "价格监测", "地区生产总值"),
        (I("主体名称", "ztmc", "C", 200), I("信用等级", "xydj", "C", 4), I("列入原因", "lryy", "C", 500),
         I("列入日期", "lrrq", "D", 8), I("项目代码", "xmdm", "C", 24), I("项目名称", "xmmc", "C", 200),
         I("总投资", "ztz", "Y", 18), I("指标值", "zbz", "N", 18), I("统计期", "tjq", "C", 8)),
        ("信用", "联合奖惩", "项目", "经济"), ("credit_system", "price_supervision", "energy_security"),
        ("联合奖惩和信用监管", "投资项目审批", "经济运行监测")),
    "licences": Domain(
        ("电子证照", "营业执照电子证照", "建设工程规划许可证", "排污许可证", "道路运输经营许可证", "执业证书",
         "资质证书", "办件信息"),
        (I("证照编号", "zzbh", "C", 64), I("证照名称", "zzmc", "C", 100), I("持证主体", "czzt", "C", 200),
         I("持证主体代码", "czztdm", "C", 18), I("发证机关", "fzjg", "C", 100), I("发证日期", "fzrq", "D", 8),
         I("证照类型代码", "zzlxdm", "C", 20), I("办件编号", "bjbh", "C", 40), I("办结时间", "bjsj", "T", 14)),
        ("电子证照", "证照", "政务服务", "一网通办"), ("public_service",),
        ("政务服务事项免证办理", "证照核验", "一网通办")),
    "social_security": Domain(
        ("城镇职工养老保险参保", "失业保险", "工伤保险", "就业登记", "失业登记", "职业技能培训", "人才引进",
         "劳动保障监察", "社会保障卡"),
        (I("社会保障号码", "shbzhm", "C", 18), I("参保单位", "cbdw", "C", 200), I("参保状态", "cbzt", "C", 2),
         I("缴费基数", "jfjs", "Y", 12), I("缴费月数", "jfys", "N", 4), I("就业状态", "jyzt", "C", 2),
         I("培训工种", "pxgz", "C", 100), I("待遇发放金额", "dyffje", "Y", 12)),
        ("社保", "就业", "参保", "人才"), ("social_security", "public_service"),
        ("社会保障待遇资格认证", "就业创业补贴审核", "人才政策兑现")),
    "civil_affairs": Domain(
        ("城乡低保对象", "特困供养人员", "临时救助", "婚姻登记", "殡葬服务", "养老机构", "社会组织登记",
         "残疾人两项补贴", "留守儿童", "退役军人优抚对象"),
        (I("救助对象姓名", "jzdxxm"), I("救助金额", "jzje", "Y", 12), I("家庭人口数", "jtrks", "N", 3),
         I("保障类别", "bzlb", "C", 2), I("婚姻登记类别", "hydjlb", "C", 2), I("登记机关名称", "djjgmc", "C", 100),
         I("床位数", "cws", "N", 6), I("优抚类别", "yflb", "C", 2)),
        ("低保", "救助", "民政", "养老"), ("social_security", "community_governance"),
        ("社会救助对象认定", "养老服务监管", "基层治理")),
    "health": Domain(
        ("医疗机构执业登记", "医师执业注册", "出生医学证明", "预防接种", "传染病报告", "居民健康档案",
         "家庭医生签约", "医疗卫生资源"),
        (I("医疗机构名称", "yljgmc", "C", 200), I("执业许可证号", "zyxkzh", "C", 50), I("疫苗名称", "ymmc", "C", 100),
         I("接种日期", "jzrq", "D", 8), I("病种", "bz2", "C", 10), I("床位数", "cws", "N", 6),
         I("签约日期", "qyrq", "D", 8), I("健康档案编号", "jkdabh", "C", 30)),
        ("医疗", "卫生", "健康"), ("health",),
        ("医疗服务监管", "公共卫生应急", "出生一件事联办")),
    "medical_insurance": Domain(
        ("基本医疗保险参保", "医保结算", "定点医药机构", "医保目录", "异地就医备案", "门诊慢特病认定"),
        (I("医保编号", "ybbh", "C", 30), I("险种类型", "xzlx", "C", 4), I("结算金额", "jsje", "Y", 12),
         I("统筹支付金额", "tczfje", "Y", 12), I("定点机构编码", "ddjgbm", "C", 20), I("就医地", "jyd", "C", 6)),
        ("医保", "结算", "参保"), ("health", "social_security"),
        ("医保基金监管", "待遇享受资格核验", "异地就医结算")),
    "education": Domain(
        ("中小学学籍", "学校基本信息", "教师资格", "学生资助", "招生入学", "校外培训机构", "高考报名"),
        (I("学籍号", "xjh", "C", 30), I("学校名称", "xxmc", "C", 200), I("学段", "xd", "C", 2),
         I("年级", "nj", "C", 4), I("教师资格证号", "jszgzh", "C", 30), I("资助金额", "zzje", "Y", 10),
         I("学校办学类型", "xxbxlx", "C", 4)),
        ("教育", "学籍", "学校"), ("public_service",),
        ("义务教育入学资格审核", "学生资助精准发放", "教育资源规划")),
    "housing": Domain(
        ("商品房预售许可", "房屋网签备案", "住房公积金缴存", "保障性住房", "建筑施工许可", "物业服务企业",
         "老旧小区改造", "燃气经营许可"),
        (I("项目名称", "xmmc", "C", 200), I("预售许可证号", "ysxkzh", "C", 50), I("合同编号", "htbh", "C", 50),
         I("建筑面积", "jzmj", "N", 12), I("成交价格", "cjjg", "Y", 18), I("公积金账号", "gjjzh", "C", 30),
         I("缴存基数", "jcjs", "Y", 12), I("施工单位", "sgdw", "C", 200)),
        ("住房", "房产", "建设", "公积金"), ("urban_rural_construction", "public_service"),
        ("房产交易监管", "住房保障资格审核", "城市更新")),
    "environment": Domain(
        ("排污单位", "空气质量监测", "水质监测", "环境行政处罚", "建设项目环评审批", "危险废物经营",
         "噪声监测", "河长制巡河记录"),
        (I("监测点位", "jcdw", "C", 100), I("PM2.5浓度", "pm25nd", "N", 8), I("化学需氧量", "hxxyl", "N", 8),
         I("排放口编号", "pfkbh", "C", 30), I("监测时间", "jcsj", "T", 14), I("环评批复文号", "hppfwh", "C", 100),
         I("河段名称", "hdmc", "C", 100)),
        ("生态环境", "环保", "监测", "河长制"), ("ecology_environment",),
        ("生态环境执法", "污染防治攻坚", "环境质量发布")),
    "transport": Domain(
        ("道路运输经营业户", "公交线路", "出租汽车", "客运班线", "公路养护", "网约车平台", "货运车辆",
         "港口航道"),
        (I("线路编号", "xlbh", "C", 20), I("站点名称", "zdmc", "C", 100), I("经营许可证号", "jyxkzh", "C", 50),
         I("车辆数", "cls", "N", 6), I("里程", "lc", "N", 10), I("运输证号", "yszh", "C", 30)),
        ("交通运输", "公交", "客运", "物流"), ("public_service", "work_safety"),
        ("交通运输行业监管", "出行服务", "物流调度")),
    "finance": Domain(
        ("部门预算", "政府采购", "财政专项资金", "非税收入", "惠民惠农补贴发放", "国有资产", "统计年鉴",
         "规模以上工业企业统计", "固定资产投资统计", "纳税人登记", "税收收入", "发票开具"),
        (I("预算科目", "yskm", "C", 20), I("金额", "je", "Y", 18), I("采购项目编号", "cgxmbh", "C", 50),
         I("资金用途", "zjyt", "C", 500), I("纳税人识别号", "nsrsbh", "C", 20), I("税种", "sz", "C", 10),
         I("所属期", "ssq", "C", 8), I("统计指标", "tjzb", "C", 100), I("指标值", "zbz", "N", 18)),
        ("财政", "统计", "税务", "预算"), ("price_supervision", "energy_security"),
        ("财政资金监管", "经济运行分析", "纳税信用评价")),
    "emergency": Domain(
        ("安全生产许可", "危险化学品企业", "应急物资储备", "自然灾害灾情", "应急救援队伍", "安全隐患排查",
         "森林防火", "防汛抗旱"),
        (I("企业名称", "qymc", "C", 200), I("危险化学品名称", "wxhxpmc", "C", 100), I("储量", "cl", "N", 12),
         I("物资名称", "wzmc", "C", 100), I("灾害类型", "zhlx", "C", 4), I("受灾人口", "szrk", "N", 8),
         I("隐患等级", "yhdj", "C", 2), I("整改期限", "zgqx", "D", 8)),
        ("应急", "安全生产", "防灾减灾"), ("work_safety", "emergency_stability"),
        ("应急指挥调度", "安全生产监管", "灾害风险评估")),
    "agriculture": Domain(
        ("耕地地力保护补贴", "农业经营主体", "农产品质量安全检测", "动物防疫", "农村土地承包经营权",
         "高标准农田", "农机购置补贴", "粮食种植面积"),
        (I("农户姓名", "nhxm"), I("补贴面积", "btmj", "N", 10), I("补贴金额", "btje", "Y", 12),
         I("作物品种", "zwpz", "C", 50), I("检测结果", "jcjg", "C", 10), I("承包地块编码", "cbdkbm", "C", 30),
         I("存栏数", "cls2", "N", 8)),
        ("农业", "农村", "补贴", "乡村振兴"), ("food_drug_safety", "community_governance"),
        ("惠农补贴精准发放", "农产品质量追溯", "乡村振兴监测")),
    "grassroots": Domain(
        ("网格员", "社区居民", "村级集体经济", "矛盾纠纷排查", "防返贫监测对象", "村务公开", "志愿服务",
         "基层党组织", "人居环境整治", "宅基地"),
        (I("网格编号", "wgbh", "C", 30), I("户主姓名", "hzxm"), I("家庭住址", "jtzz", "C", 200),
         I("家庭人口数", "jtrks", "N", 3), I("监测类型", "jclx", "C", 2), I("纠纷类型", "jflx", "C", 4),
         I("化解结果", "hjjg", "C", 200), I("集体收入", "jtsr", "Y", 14)),
        ("基层治理", "网格化", "乡村振兴", "社区"), ("community_governance", "emergency_stability"),
        ("基层网格化治理", "防止规模性返贫", "村务监督")),
}

# Which domains each department works in (city bureaus by their remit; counties,
# townships and villages do a little of everything that reaches them).
DEPARTMENT_DOMAINS = {
    "lzsdsjfzj": ["licences", "credit"], "lzsxxhjsglzx": ["licences"],
    "lzsgaj": ["population", "vehicles"], "lzsscjdglj": ["legal_person"],
    "lzszrzyhghj": ["land"], "lzsfzhggwyh": ["credit"], "lzsxzspj": ["licences"],
    "lzsrlzyhshbzj": ["social_security"], "lzsmzj": ["civil_affairs"], "lzswsjkwyh": ["health"],
    "lzsjyj": ["education"], "lzszfhcxjsj": ["housing"], "lzssthjj": ["environment"],
    "lzsjtysj": ["transport"], "lzscjj": ["finance"], "lzstjj": ["finance"],
    "lzsyjglj": ["emergency"], "lzsybj": ["medical_insurance"], "lzsnyncj": ["agriculture"],
    "lzswwxb": ["licences"], "lzsswj": ["finance"],
}
LOCAL_DOMAINS = {
    "county": ["civil_affairs", "agriculture", "housing", "education", "health", "emergency", "grassroots",
               "land", "legal_person"],
    "township": ["grassroots", "civil_affairs", "agriculture", "emergency"],
    "village": ["grassroots", "agriculture"],
}
# Base sub-class of the domains that feed a base catalog (Art 15 leads own them).
BASE_DOMAIN = {"population": "population", "legal_person": "legal_person", "natural_resources": "land",
               "credit": "credit", "economy": "finance", "licences": "licences"}

SUFFIXES = ["信息", "登记信息", "名单", "台账", "数据", "统计数据", "明细", "目录", "情况", "档案"]
ASPECTS = ["基本情况", "办理过程和结果", "变更记录", "空间位置", "统计汇总", "审批结论", "监管记录"]
LAWS = [
    "《中华人民共和国个人信息保护法》第十三条、第三十四条",
    "《中华人民共和国数据安全法》第三十八条",
    "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）第九条",
    "《中华人民共和国保守国家秘密法》第二十八条",
    "《广西壮族自治区大数据发展条例》第二十二条",
]
CONDITIONS = [
    "仅限用于本部门法定职责范围内的核验和办理，不得用于其他用途，不得向第三方提供。",
    "须通过平台接口按需逐条查询，不得批量下载或留存。",
    "限于开展相关行政审批和监管工作时使用，使用部门须落实数据安全保护责任。",
]
OPEN_CONDITIONS = ["经脱敏处理后按统计口径开放汇总数据", "经申请审核后向特定主体开放"]
SYSTEMS = ["业务管理系统", "综合信息平台", "审批系统", "监管平台", "数据库"]
RESOURCE_FORMATS = {"database": ("database", "库表"), "api": ("API", "接口"), "file": ("XLSX", "文件")}


@dataclass(frozen=True)
class Department:
    name: str
    title: str
    level: str
    parent: str
    prefix: str       # how its entries' titles start (柳州市 / 柳江区 / 拉堡镇 …)


def _prefix(title: str, level: str) -> str:
    for end in ("人民政府", "居民委员会"):
        if title.endswith(end):
            title = title[: -len(end)]
    if level == "city":
        return "柳州市"
    if level == "county":
        # 柳州市柳江区 → 柳江区; 柳江区大数据发展局 → 柳江区
        title = title.removeprefix("柳州市")
        for cut in ("区", "县"):
            if cut in title:
                return title[: title.index(cut) + 1]
        return title
    return title.split("镇")[0] + "镇" if "镇" in title and level == "township" else title


def departments() -> list[Department]:
    with open(DEPARTMENTS_CSV, encoding="utf-8") as f:
        return [Department(r["name"], r["title"], r["level"], r["parent"], _prefix(r["title"], r["level"]))
                for r in csv.DictReader(f)]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Catalog:
    """The entries of one generated catalog (``seed`` picks which one)."""

    def __init__(self, seed: int = 2026):
        self.seed = seed
        self.departments = departments()
        self.by_name = {d.name: d for d in self.departments}
        self.by_level: dict[str, list[Department]] = {}
        for d in self.departments:
            self.by_level.setdefault(d.level, []).append(d)
        leads = vocab.DEFAULT_LEAD_DEPARTMENTS
        self.base_subclasses = [s for s in leads if all(o in self.by_name for o in leads[s])]

    def name(self, i: int, prefix: str = "bench") -> str:
        return f"{prefix}-{self.seed}-{i:06d}"

    def entry(self, i: int, prefix: str = "bench") -> dict:
        """The i-th entry, as the project's ``package_create`` takes it."""
        rng = random.Random(f"{self.seed}:{i}")
        cls = _weighted(rng, CLASS_WEIGHTS)
        if cls == "base" and self.base_subclasses:
            subclass = rng.choice(self.base_subclasses)
            dept = self.by_name[rng.choice(vocab.DEFAULT_LEAD_DEPARTMENTS[subclass])]
            domain_key = BASE_DOMAIN[subclass]
            if dept.name in DEPARTMENT_DOMAINS and subclass == "population":
                domain_key = "population"
        else:
            if cls == "base":
                cls = "department"
            level = _weighted(rng, LEVEL_WEIGHTS)
            dept = rng.choice(self.by_level.get(level) or self.by_level["city"])
            domain_key = rng.choice(DEPARTMENT_DOMAINS.get(dept.name) or LOCAL_DOMAINS.get(dept.level, ["grassroots"]))
            subclass = rng.choice(DOMAINS[domain_key].themes) if cls == "theme" else "department"
        domain = DOMAINS[domain_key]
        subject = rng.choice(domain.subjects)
        year = f"{rng.randint(2015, 2026)}年" if rng.random() < 0.25 else ""
        title = f"{dept.prefix}{year}{subject}{rng.choice(SUFFIXES)}"
        purpose = rng.choice(domain.purposes)
        cycle = rng.choice(CYCLES)
        notes = (f"{dept.title}归集的{dept.prefix}{subject}数据，包括{rng.choice(ASPECTS)}和{rng.choice(ASPECTS)}等内容，"
                 f"主要用于{purpose}。数据按{_cycle_zh(cycle)}更新，来源于{subject}{rng.choice(SYSTEMS)}。")
        n_items = rng.randint(4, 10)
        own = list(domain.items)
        rng.shuffle(own)
        common = list(COMMON_ITEMS)
        rng.shuffle(common)
        picked, seen = [], set()
        for name, ident, dtype, length in own[: max(3, n_items - 2)] + common:
            if len(picked) >= n_items:
                break
            if name in seen or ident in {p["identifier"] for p in picked}:
                continue
            seen.add(name)
            row = {"name": name, "identifier": ident, "data_type": dtype, "description": f"{name}（{subject}）"}
            if dtype in ("C", "N", "Y", "B", "F", "I", "M"):
                row["length"] = length
            elif dtype == "D":
                row["length"] = 8
            elif dtype == "T":
                row["length"] = 14
            picked.append(row)
        sharing = _weighted(rng, SHARING_WEIGHTS)
        open_attr = "not_open" if sharing == "not_shared" else _weighted(rng, OPEN_WEIGHTS)
        method_type = rng.choice(["api", "database", "file"])
        data = {
            "name": self.name(i, prefix),
            "type": "catalog",
            "title": title,
            "notes": notes,
            "owner_org": dept.name,
            "classification": cls,
            "subclass": subclass,
            "format_category": rng.choice(FORMATS),
            "information_items": picked,
            "sharing_type": sharing,
            "sharing_method": rng.choices(["platform", "email", "media"], weights=[8, 1, 1])[0],
            "sharing_method_type": method_type,
            "open_attribute": open_attr,
            "update_cycle": cycle,
            "publish_date": f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "source_system": f"{dept.prefix}{subject}{rng.choice(SYSTEMS)}",
            "tags": rng.sample(domain.tags, k=min(len(domain.tags), rng.randint(1, 3))),
            "resources": self._resources(rng, subject, method_type, i),
        }
        if cls == "base":
            data["lead_department"] = dept.name
        elif cls == "theme":  # Art 15: the theme's lead department, whoever provides the entry
            leads = [n for n in vocab.DEFAULT_THEME_LEAD_DEPARTMENTS.get(data["subclass"], [])
                     if n in self.by_name] or [dept.name]
            data["lead_department"] = rng.choice(leads)
        if sharing == "conditional":
            data["sharing_conditions"] = rng.choice(CONDITIONS)
            data["legal_basis"] = rng.choice(LAWS)
        elif sharing == "not_shared":
            data["legal_basis"] = rng.choice(LAWS)
        if open_attr == "conditional_open":
            data["open_conditions"] = rng.choice(OPEN_CONDITIONS)
        elif open_attr == "not_open":
            data["open_conditions"] = "涉及个人信息或工作秘密，不予开放"
        return data

    @staticmethod
    def _resources(rng: random.Random, subject: str, first_type: str, i: int) -> list[dict]:
        types = [first_type] + rng.sample(["api", "database", "file"], k=rng.randint(0, 2))
        out = []
        for n, rtype in enumerate(dict.fromkeys(types)):
            fmt, label = RESOURCE_FORMATS[rtype]
            out.append({
                "name": f"{subject}{label}",
                "description": f"{subject}数据的{label}，{rng.choice(ASPECTS)}",
                "resource_type": rtype,
                "format": fmt,
                "url": f"http://data.liuzhou.example/{rtype}/{i:06d}/{n}",
            })
        return out

    def entries(self, start: int, stop: int, prefix: str = "bench"):
        for i in range(start, stop):
            yield self.entry(i, prefix)


def api_entry(entry: dict) -> dict:
    """The project's ``package_create`` payload (keywords as ``tag_string``, like the demo loader)."""
    data = dict(entry)
    data["tag_string"] = ",".join(data.pop("tags", []))
    return data


STOCK_EXTRAS = ["classification", "subclass", "lead_department", "format_category", "sharing_type",
                "sharing_conditions", "legal_basis", "sharing_method", "sharing_method_type",
                "open_attribute", "open_conditions", "update_cycle", "publish_date", "source_system"]


def to_stock(entry: dict) -> dict:
    """The same entry as a plain CKAN dataset (stock schema): catalog fields become extras."""
    extras = [{"key": k, "value": str(entry[k])} for k in STOCK_EXTRAS if entry.get(k)]
    extras.append({"key": "information_items", "value": json.dumps(entry["information_items"], ensure_ascii=False)})
    return {
        "name": entry["name"],
        "title": entry["title"],
        "notes": entry["notes"],
        "owner_org": entry["owner_org"],
        "tags": [{"name": t} for t in entry.get("tags", [])],
        "extras": extras,
        "resources": [{k: r[k] for k in ("name", "description", "format", "url")} for r in entry["resources"]],
    }


def _cycle_zh(cycle: str) -> str:
    return {"realtime": "实时", "daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度",
            "half_yearly": "每半年", "yearly": "每年", "irregular": "不定期"}[cycle]


# Chinese queries a user of the catalog types (rotated by the search measurements).
CHINESE_QUERIES = ["人口", "营业执照", "不动产登记", "低保", "医保结算", "学籍", "公积金", "空气质量",
                   "交通违法", "社会保障", "安全生产", "补贴", "企业 许可", "柳江区", "身份号码"]
