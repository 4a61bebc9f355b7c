"""What the demo builds, as plain data: pure functions of a seed, no database.

`county_plan(seed)` is the demo county 青岚县 (fictional): a bureau with seven departments, eight towns
and streets, 45 schools of every kind, four supervision zones, three education groups, two school
districts, two pairings and users for every role. `city_plan(n_schools, seed)` is a larger synthetic
city (苍澜市, also fictional) for benchmarks. The builder (builder.py) writes a plan to the database.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from functools import partial

from edubureau.accounts.choices import RoleCode
from edubureau.org.choices import GroupKind, GroupMemberRole, KindergartenGrade, Ownership, UnitKind

from .identifiers import USCC_GOVERNMENT_BODY, USCC_PRIVATE_NONPROFIT, USCC_PUBLIC_INSTITUTION, CodeBook
from .names import ROADS, SCHOOL_EPITHETS, TOWN_FIRST, TOWN_SECOND, NameBook

DEFAULT_SEED = 2026
# One password for every demo account. It passes the policy (8+ characters, 3 of 4 classes).
DEMO_PASSWORD = "Demo@2026"
PROVINCE = "33"
AREA_PHONE_CODE = "0578"

# The accounts the README and the run script show, in this order.
KEY_USERNAMES = ("admin", "leader", "anquan", "dx1", "xiaoxue1", "zhongxue1", "anquanyuan1", "jiaoshi1")


@dataclass(frozen=True)
class UnitSpec:
    key: str
    parent: str | None
    kind: str
    name: str
    short_name: str = ""
    school_code: str = ""
    uscc: str = ""
    division_code: str = ""
    ownership: str = Ownership.PUBLIC
    is_puhui: bool = False
    kindergarten_grade: str = ""
    address: str = ""
    contact_person: str = ""
    phone: str = ""
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    close_reason: str = ""
    sort_order: int = 100

    @property
    def is_school(self):
        return self.kind not in (UnitKind.BUREAU, UnitKind.DEPARTMENT, UnitKind.TOWN)

    @property
    def display_name(self):
        return self.short_name or self.name

    def fields(self):
        """The attributes that org.services.unit_create accepts."""
        return {
            "kind": self.kind,
            "name": self.name,
            "short_name": self.short_name,
            "school_code": self.school_code,
            "uscc": self.uscc,
            "division_code": self.division_code,
            "ownership": self.ownership,
            "is_puhui": self.is_puhui,
            "kindergarten_grade": self.kindergarten_grade,
            "address": self.address,
            "contact_person": self.contact_person,
            "phone": self.phone,
            "opened_on": self.opened_on,
            "sort_order": self.sort_order,
        }


@dataclass(frozen=True)
class GroupSpec:
    kind: str
    name: str
    code: str
    description: str
    members: tuple  # ((unit key, GroupMemberRole), ...)


@dataclass(frozen=True)
class UserSpec:
    username: str
    real_name: str
    unit: str  # key of the unit the person belongs to
    role: str  # accounts.Role code
    on_unit: str | None = None  # key of the unit the role is held on (default: `unit`)
    group: str | None = None  # code of the group a group-scoped role is held on
    department: str | None = None  # key of the department (department staff)
    title: str = ""
    is_active: bool = True
    ended_on: datetime.date | None = None  # the role ended (e.g. the school closed)

    @property
    def role_unit(self):
        if self.group:
            return None
        return self.on_unit or self.unit


@dataclass
class Plan:
    area: str
    seed: int
    units: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    users: list = field(default_factory=list)

    def __post_init__(self):
        self._by_key = {u.key: u for u in self.units}

    def add_unit(self, spec):
        self.units.append(spec)
        self._by_key[spec.key] = spec
        return spec

    def unit(self, key):
        return self._by_key[key]

    def schools(self):
        return [u for u in self.units if u.is_school]

    def identity(self):
        """Everything that must not change between two builds with the same seed."""
        return (
            [(u.key, u.parent, u.kind, u.name, u.school_code, u.uscc, u.contact_person) for u in self.units],
            [(g.kind, g.code, g.name, g.members) for g in self.groups],
            [(s.username, s.real_name, s.role, s.unit) for s in self.users],
        )


# --- shared helpers -------------------------------------------------------------------------------


def _phone(rng):
    return f"{AREA_PHONE_CODE}-{rng.randint(2, 8)}{rng.randrange(10**6):06d}"


def _opened(rng, kind, ownership):
    first, last = {
        UnitKind.KINDERGARTEN: (1978, 2019),
        UnitKind.PRIMARY: (1950, 2012),
        UnitKind.TEACHING_POINT: (1960, 2000),
        UnitKind.JUNIOR: (1956, 2010),
        UnitKind.NINE_YEAR: (1998, 2018),
        UnitKind.COMPLETE_MIDDLE: (1952, 1990),
        UnitKind.SENIOR: (1940, 2005),
        UnitKind.VOCATIONAL: (1980, 2008),
        UnitKind.SPECIAL: (1990, 2012),
    }.get(kind, (1990, 2015))
    if ownership == Ownership.PRIVATE:
        first = max(first, 1996)
    return datetime.date(rng.randint(first, last), 9, 1)


def _uscc_prefix(kind, ownership):
    if kind == UnitKind.BUREAU:
        return USCC_GOVERNMENT_BODY
    return USCC_PRIVATE_NONPROFIT if ownership == Ownership.PRIVATE else USCC_PUBLIC_INSTITUTION


def _head_title(kind):
    return {
        UnitKind.KINDERGARTEN: "园长",
        UnitKind.TEACHING_POINT: "教学点负责人",
        UnitKind.VOCATIONAL: "主任",
    }.get(kind, "校长")


DEPARTMENTS = (
    # key (also the login of its officer), name, short name, officer title
    ("bangong", "办公室", "办公室", "办公室主任"),
    ("anquan", "政治与体育卫生艺术科（安全稳定科）", "政体安全科", "科长"),
    ("jijiao", "基础教育科", "基教科", "科长"),
    ("renshi", "人事与师资培训科", "人事师训科", "科长"),
    ("dudao", "教育督导室", "督导室", "主任"),
    ("zizhu", "学生资助管理中心", "资助中心", "主任"),
    ("caiwu", "计划财务科", "计财科", "科长"),
)


# --- the demo county: 青岚县 -------------------------------------------------------------------------

COUNTY = "青岚县"
COUNTY_DIVISION = "339021"

COUNTY_TOWNS = (
    ("lancheng", "岚城街道"),
    ("fengqi", "凤栖街道"),
    ("tongxi", "桐溪镇"),
    ("bailing", "白岭镇"),
    ("fengyuan", "枫源镇"),
    ("meiwan", "梅湾镇"),
    ("shisun", "石笋乡"),
    ("zhuping", "竹坪乡"),
)

K, PR, JR, NY, CM, SR, VO, SP, TP = (
    UnitKind.KINDERGARTEN,
    UnitKind.PRIMARY,
    UnitKind.JUNIOR,
    UnitKind.NINE_YEAR,
    UnitKind.COMPLETE_MIDDLE,
    UnitKind.SENIOR,
    UnitKind.VOCATIONAL,
    UnitKind.SPECIAL,
    UnitKind.TEACHING_POINT,
)
PUB, PRI = Ownership.PUBLIC, Ownership.PRIVATE
G1, G2, G3, GN = (
    KindergartenGrade.PROVINCIAL_1,
    KindergartenGrade.PROVINCIAL_2,
    KindergartenGrade.PROVINCIAL_3,
    KindergartenGrade.UNRATED,
)

# key, parent key, kind, name, short name, ownership, 普惠, kindergarten grade
COUNTY_SCHOOLS = (
    # 县直学校 (directly under the bureau)
    ("yizhong", "bureau", SR, "青岚县第一中学", "青岚一中", PUB, False, ""),
    ("erzhong", "bureau", CM, "青岚县第二中学", "青岚二中", PUB, False, ""),
    ("qiming", "bureau", SR, "青岚县启明高级中学", "启明高中", PRI, False, ""),
    ("zhijiao", "bureau", VO, "青岚县职业教育中心", "县职教中心", PUB, False, ""),
    ("tejiao", "bureau", SP, "青岚县特殊教育学校", "县特教学校", PUB, False, ""),
    ("syxx", "bureau", PR, "青岚县实验小学", "县实验小学", PUB, False, ""),
    ("sycz", "bureau", JR, "青岚县实验初级中学", "县实验初中", PUB, False, ""),
    ("syyey", "bureau", K, "青岚县实验幼儿园", "县实验幼儿园", PUB, True, G1),
    # 岚城街道
    ("lc_xx1", "lancheng", PR, "岚城第一小学", "", PUB, False, ""),
    ("lc_xx2", "lancheng", PR, "岚城第二小学", "", PUB, False, ""),
    ("lc_cz", "lancheng", JR, "岚城初级中学", "岚城初中", PUB, False, ""),
    ("lc_yucai", "lancheng", NY, "青岚县育才学校", "育才学校", PRI, False, ""),
    ("lc_yey", "lancheng", K, "岚城街道中心幼儿园", "岚城中心幼儿园", PUB, True, G2),
    ("lc_yey2", "lancheng", K, "岚城街道第二幼儿园", "岚城二幼", PUB, True, G3),
    ("lc_tianshi", "lancheng", K, "岚城小天使幼儿园", "", PRI, True, G3),
    ("lc_yuying", "lancheng", K, "岚城育英幼儿园", "", PRI, False, GN),
    # 凤栖街道
    ("fq_xx1", "fengqi", PR, "凤栖第一小学", "", PUB, False, ""),
    ("fq_xx2", "fengqi", PR, "凤栖第二小学", "", PUB, False, ""),
    ("fq_cz", "fengqi", JR, "凤栖初级中学", "凤栖初中", PUB, False, ""),
    ("fq_sy", "fengqi", NY, "凤栖实验学校", "", PUB, False, ""),
    ("fq_yey", "fengqi", K, "凤栖街道中心幼儿园", "凤栖中心幼儿园", PUB, True, G2),
    ("fq_yangguang", "fengqi", K, "凤栖阳光幼儿园", "", PRI, True, G2),
    ("fq_qizhi", "fengqi", K, "凤栖启智幼儿园", "", PRI, True, GN),
    # 桐溪镇
    ("tx_xx", "tongxi", PR, "桐溪镇中心小学", "桐溪中心小学", PUB, False, ""),
    ("tx_tp", "tx_xx", TP, "桐溪镇中心小学上坪教学点", "上坪教学点", PUB, False, ""),
    ("tx_xiawu", "tongxi", PR, "桐溪镇下坞小学", "下坞小学", PUB, False, ""),
    ("tx_cz", "tongxi", JR, "桐溪镇初级中学", "桐溪初中", PUB, False, ""),
    ("tx_yey", "tongxi", K, "桐溪镇中心幼儿园", "", PUB, True, G2),
    # 白岭镇
    ("bl_xx", "bailing", PR, "白岭镇中心小学", "白岭中心小学", PUB, False, ""),
    ("bl_cz", "bailing", JR, "白岭镇初级中学", "白岭初中", PUB, False, ""),
    ("bl_yey", "bailing", K, "白岭镇中心幼儿园", "", PUB, True, G3),
    ("bl_xinmiao", "bailing", K, "白岭镇新苗幼儿园", "", PRI, True, G3),
    # 枫源镇
    ("fy_xx", "fengyuan", PR, "枫源镇中心小学", "枫源中心小学", PUB, False, ""),
    ("fy_tp", "fy_xx", TP, "枫源镇中心小学岭头教学点", "岭头教学点", PUB, False, ""),
    ("fy_cz", "fengyuan", JR, "枫源镇中学", "枫源中学", PUB, False, ""),
    ("fy_yey", "fengyuan", K, "枫源镇中心幼儿园", "", PUB, True, G3),
    # 梅湾镇
    ("mw_xx", "meiwan", PR, "梅湾镇中心小学", "梅湾中心小学", PUB, False, ""),
    ("mw_qiaotou", "meiwan", PR, "梅湾镇桥头小学", "桥头小学", PUB, False, ""),
    ("mw_cz", "meiwan", JR, "梅湾镇初级中学", "梅湾初中", PUB, False, ""),
    ("mw_yey", "meiwan", K, "梅湾镇中心幼儿园", "", PUB, True, GN),
    # 石笋乡
    ("ss_xx", "shisun", NY, "青岚县石笋学校", "石笋学校", PUB, False, ""),
    ("ss_yey", "shisun", K, "石笋乡中心幼儿园", "", PUB, True, GN),
    # 竹坪乡
    ("zp_xx", "zhuping", PR, "竹坪乡中心小学", "竹坪中心小学", PUB, False, ""),
    ("zp_tp", "zp_xx", TP, "竹坪乡中心小学茶园教学点", "茶园教学点", PUB, False, ""),
    ("zp_yey", "zhuping", K, "竹坪乡中心幼儿园", "", PUB, True, GN),
)

# The school closed in the 2024 summer and merged into the town's central primary school.
COUNTY_CLOSED = {
    "tx_xiawu": (datetime.date(2024, 8, 31), "2024年暑期撤并，在校学生并入桐溪镇中心小学。"),
}

COUNTY_ZONES = (
    ("zone-1", "第一督学责任区", "县直学校", ("bureau",)),
    ("zone-2", "第二督学责任区", "岚城街道", ("lancheng",)),
    ("zone-3", "第三督学责任区", "凤栖街道、桐溪镇、白岭镇", ("fengqi", "tongxi", "bailing")),
    (
        "zone-4",
        "第四督学责任区",
        "枫源镇、梅湾镇、石笋乡、竹坪乡",
        ("fengyuan", "meiwan", "shisun", "zhuping"),
    ),
)

COUNTY_EDU_GROUPS = (
    ("jt-syxx", "青岚县实验小学教育集团", "syxx", ("lc_xx2", "tx_xx", "zp_xx")),
    ("jt-sycz", "青岚县实验初级中学教育集团", "sycz", ("fq_cz", "bl_cz", "ss_xx")),
    ("jt-syyey", "青岚县实验幼儿园教育集团", "syyey", ("lc_yey2", "fy_yey", "mw_yey")),
)

COUNTY_DISTRICTS = (
    ("xq-chengqu", "城区学区", "岚城街道、凤栖街道的中小学和幼儿园。", ("lancheng", "fengqi")),
    ("xq-nanpian", "南片学区", "梅湾镇、石笋乡、竹坪乡的中小学和幼儿园。", ("meiwan", "shisun", "zhuping")),
)

COUNTY_PAIRS = (
    ("jd-syxx-qiaotou", "syxx", "mw_qiaotou"),
    ("jd-fqcz-fycz", "fq_cz", "fy_cz"),
)

# Schools whose first staff get teacher accounts (the first one's first teacher is `jiaoshi1`).
COUNTY_TEACHER_SCHOOLS = ("syxx", "sycz", "yizhong", "lc_xx1", "syyey", "tx_xx")
TEACHERS_PER_SCHOOL = 3


def county_plan(seed=DEFAULT_SEED):
    """The demo county as data. The same seed always gives the same plan."""
    rng = random.Random(seed)
    names = NameBook(rng)
    codes = CodeBook(rng, PROVINCE, COUNTY_DIVISION)
    plan = Plan(area=COUNTY, seed=seed)
    heads = {}  # unit key -> head's name (the unit's contact person and, for schools, its admin)

    def address(town_name):
        return f"{COUNTY}{town_name}{rng.choice(ROADS)}{rng.randint(1, 299)}号"

    # The bureau, its departments and the towns.
    heads["bureau"] = names()
    plan.add_unit(
        UnitSpec(
            key="bureau",
            parent=None,
            kind=UnitKind.BUREAU,
            name=f"{COUNTY}教育局",
            short_name="县教育局",
            uscc=codes.uscc(USCC_GOVERNMENT_BODY),
            division_code=COUNTY_DIVISION,
            address=address("岚城街道"),
            contact_person=heads["bureau"],
            phone=_phone(rng),
            sort_order=10,
        )
    )
    for i, (key, name, short, _title) in enumerate(DEPARTMENTS, start=1):
        heads[key] = names()
        plan.add_unit(
            UnitSpec(
                key=key,
                parent="bureau",
                kind=UnitKind.DEPARTMENT,
                name=name,
                short_name=short,
                contact_person=heads[key],
                phone=_phone(rng),
                sort_order=i * 10,
            )
        )
    town_names = dict(COUNTY_TOWNS)
    for i, (key, name) in enumerate(COUNTY_TOWNS, start=1):
        plan.add_unit(
            UnitSpec(
                key=key,
                parent="bureau",
                kind=UnitKind.TOWN,
                name=name,
                short_name=name.removesuffix("街道").removesuffix("镇").removesuffix("乡"),
                address=address(name),
                phone=_phone(rng),
                sort_order=100 + i * 10,
            )
        )

    # The schools.
    towns_of = {}
    for i, (key, parent, kind, name, short, ownership, puhui, grade) in enumerate(COUNTY_SCHOOLS, start=1):
        heads[key] = names()
        town_key = parent
        while town_key not in town_names and town_key != "bureau":
            town_key = next(s[1] for s in COUNTY_SCHOOLS if s[0] == town_key)
        towns_of[key] = town_key
        closed_on, reason = COUNTY_CLOSED.get(key, (None, ""))
        plan.add_unit(
            UnitSpec(
                key=key,
                parent=parent,
                kind=kind,
                name=name,
                short_name=short,
                school_code=codes.school_code(kind),
                uscc="" if kind == UnitKind.TEACHING_POINT else codes.uscc(_uscc_prefix(kind, ownership)),
                division_code=COUNTY_DIVISION,
                ownership=ownership,
                is_puhui=puhui,
                kindergarten_grade=grade,
                address=address(town_names.get(town_key, "岚城街道")),
                contact_person=heads[key],
                phone=_phone(rng),
                opened_on=_opened(rng, kind, ownership),
                closed_on=closed_on,
                close_reason=reason,
                sort_order=200 + i * 10,
            )
        )

    active = {u.key for u in plan.schools() if u.closed_on is None}

    def schools_in(area_keys):
        return [
            key
            for key, parent, kind, *_ in COUNTY_SCHOOLS
            if towns_of[key] in area_keys and key in active and kind != UnitKind.TEACHING_POINT
        ]

    # Groups.
    for code, name, where, area_keys in COUNTY_ZONES:
        members = tuple((k, GroupMemberRole.MEMBER) for k in schools_in(area_keys))
        plan.groups.append(
            GroupSpec(GroupKind.SUPERVISION_ZONE, name, code, f"责任区范围：{where}。", members)
        )
    for code, name, lead, others in COUNTY_EDU_GROUPS:
        members = ((lead, GroupMemberRole.LEAD), *((k, GroupMemberRole.MEMBER) for k in others))
        lead_name = plan.unit(lead).name
        plan.groups.append(
            GroupSpec(GroupKind.EDU_GROUP, name, code, f"以{lead_name}为核心校的紧密型教育集团。", members)
        )
    for code, name, description, area_keys in COUNTY_DISTRICTS:
        members = tuple((k, GroupMemberRole.MEMBER) for k in schools_in(area_keys))
        plan.groups.append(GroupSpec(GroupKind.DISTRICT, name, code, description, members))
    for code, helper, helped in COUNTY_PAIRS:
        a, b = plan.unit(helper), plan.unit(helped)
        plan.groups.append(
            GroupSpec(
                GroupKind.PAIRING,
                f"{a.display_name}—{b.display_name}结对帮扶",
                code,
                f"{a.name}在课堂教学、教研和学校管理上帮扶{b.name}。",
                ((helper, GroupMemberRole.HELPER), (helped, GroupMemberRole.HELPED)),
            )
        )

    # Users.
    plan.users += _bureau_users(plan, names, heads, zone_codes=[z[0] for z in COUNTY_ZONES])
    plan.users += _school_users(
        plan,
        names,
        heads,
        schools=plan.schools(),
        teacher_schools=COUNTY_TEACHER_SCHOOLS,
        safety_for=lambda unit: True,
        key_primary="syxx",
        key_junior="sycz",
    )
    return plan


def _bureau_users(plan, names, heads, *, zone_codes):
    users = [
        UserSpec("admin", names(), "bureau", RoleCode.SYSTEM_ADMIN, title="系统管理员"),
        UserSpec("leader", heads["bureau"], "bureau", RoleCode.LEADER, title="局长"),
        UserSpec("leader2", names(), "bureau", RoleCode.LEADER, title="副局长（分管安全与基础教育）"),
    ]
    for key, _name, _short, title in DEPARTMENTS:
        users.append(
            UserSpec(
                key,
                heads[key],
                key,
                RoleCode.DEPARTMENT_STAFF,
                on_unit="bureau",
                department=key,
                title=title,
            )
        )
    for i, code in enumerate(zone_codes[:4], start=1):
        users.append(UserSpec(f"dx{i}", names(), "dudao", RoleCode.SUPERVISOR, group=code, title="责任督学"))
    return users


def _school_users(
    plan, names, heads, *, schools, teacher_schools, safety_for, key_primary, key_junior, admins_for=None
):
    users = []
    special = {key_primary: "xiaoxue1", key_junior: "zhongxue1"}
    for unit in schools:
        if admins_for is not None and not admins_for(unit) and unit.key not in special:
            continue
        closed = unit.closed_on is not None
        users.append(
            UserSpec(
                special.get(unit.key, f"xz{unit.school_code}"),
                heads[unit.key],
                unit.key,
                RoleCode.SCHOOL_ADMIN,
                title=_head_title(unit.kind),
                is_active=not closed,
                ended_on=unit.closed_on,
            )
        )
        if (
            not closed
            and unit.kind != UnitKind.TEACHING_POINT
            and (unit.key == key_primary or safety_for(unit))
        ):
            users.append(
                UserSpec(
                    "anquanyuan1" if unit.key == key_primary else f"aq{unit.school_code}",
                    names(),
                    unit.key,
                    RoleCode.SAFETY_OFFICER,
                    title="安全专干",
                )
            )
    for key in teacher_schools:
        unit = plan.unit(key)
        for n in range(1, TEACHERS_PER_SCHOOL + 1):
            first = key == key_primary and n == 1
            users.append(
                UserSpec(
                    "jiaoshi1" if first else f"js{unit.school_code}_{n}",
                    names(),
                    key,
                    RoleCode.TEACHER,
                    title="班主任" if n == 1 else "教师",
                )
            )
    return users


# --- the synthetic city: 苍澜市 ----------------------------------------------------------------------

CITY = "苍澜市"
CITY_DIVISION = "339900"
CITY_COUNTIES = (
    ("澜东区", "339902"),
    ("澜西区", "339903"),
    ("新港区", "339904"),
    ("云岭县", "339921"),
    ("桐川县", "339922"),
    ("石湖县", "339923"),
    ("鹤林县", "339924"),
    ("白鹭县", "339925"),
    ("青枫县", "339926"),
    ("松岙县", "339927"),
    ("梅川县", "339928"),
    ("竹源县", "339929"),
)
SCHOOLS_PER_TOWN = 9
ZONE_SIZE = 10
CITY_SAMPLE_ADMINS = 50  # school admins are created for the first schools only
CITY_SAMPLE_SAFETY = 20
CITY_TEACHER_SCHOOLS = 3

# Kinds of the schools spread over the towns, with their weights.
_TOWN_KINDS = ((K, 40), (PR, 36), (JR, 14), (NY, 6), (TP, 4))


def _town_names(rng, count):
    """`count` distinct two-character town stems, e.g. 枫桥."""
    seen = set()
    stems = []
    while len(stems) < count:
        stem = rng.choice(TOWN_FIRST) + rng.choice(TOWN_SECOND)
        if stem not in seen and stem[0] != stem[1]:
            seen.add(stem)
            stems.append(stem)
    return stems


def city_plan(n_schools, seed=DEFAULT_SEED):
    """A synthetic city with `n_schools` schools over several districts and counties."""
    if n_schools < 10:
        raise ValueError("n_schools must be at least 10")
    rng = random.Random(seed)
    names = NameBook(rng)
    codes = CodeBook(rng, PROVINCE, CITY_DIVISION)
    plan = Plan(area=CITY, seed=seed)
    heads = {"bureau": names()}

    plan.add_unit(
        UnitSpec(
            key="bureau",
            parent=None,
            kind=UnitKind.BUREAU,
            name=f"{CITY}教育局",
            short_name="市教育局",
            uscc=codes.uscc(USCC_GOVERNMENT_BODY),
            division_code=CITY_DIVISION,
            address=f"{CITY}{rng.choice(ROADS)}{rng.randint(1, 299)}号",
            contact_person=heads["bureau"],
            phone=_phone(rng),
            sort_order=10,
        )
    )
    for i, (key, name, short, _title) in enumerate(DEPARTMENTS, start=1):
        heads[key] = names()
        plan.add_unit(
            UnitSpec(
                key=key,
                parent="bureau",
                kind=UnitKind.DEPARTMENT,
                name=name,
                short_name=short,
                contact_person=heads[key],
                phone=_phone(rng),
                sort_order=i * 10,
            )
        )

    n_counties = max(2, min(len(CITY_COUNTIES), round(n_schools / 85)))
    per_county = [
        n_schools // n_counties + (1 if i < n_schools % n_counties else 0) for i in range(n_counties)
    ]
    n_towns = [max(2, math.ceil((n - 3) / SCHOOLS_PER_TOWN)) for n in per_county]
    stems = iter(_town_names(rng, sum(n_towns)))
    zone_members = []  # (county name, [school keys])
    edu_groups = []
    used_names = set()
    seq = 0

    def add_school(county, division, parent_key, kind, name, ownership=PUB, where=""):
        nonlocal seq
        seq += 1
        used_names.add(name)
        key = f"s{seq}"
        heads[key] = names()
        puhui = kind == K and (ownership == PUB or rng.random() < 0.6)
        grade = rng.choice((G1, G2, G2, G3, G3, GN)) if kind == K else ""
        plan.add_unit(
            UnitSpec(
                key=key,
                parent=parent_key,
                kind=kind,
                name=name,
                school_code=codes.school_code(kind),
                uscc="" if kind == TP else codes.uscc(_uscc_prefix(kind, ownership), division),
                ownership=ownership,
                is_puhui=puhui,
                kindergarten_grade=grade,
                address=f"{CITY}{county}{where}{rng.choice(ROADS)}{rng.randint(1, 299)}号",
                contact_person=heads[key],
                phone=_phone(rng),
                opened_on=_opened(rng, kind, ownership),
                sort_order=200 + seq,
            )
        )
        return key

    for c, (count, towns) in enumerate(zip(per_county, n_towns, strict=True)):
        county, division = CITY_COUNTIES[c]
        county_key = f"c{c + 1}"
        heads[county_key] = names()
        plan.add_unit(
            UnitSpec(
                key=county_key,
                parent="bureau",
                kind=UnitKind.BUREAU,
                name=f"{county}教育局",
                short_name=county,
                uscc=codes.uscc(USCC_GOVERNMENT_BODY, division),
                division_code=division,
                address=f"{CITY}{county}{rng.choice(ROADS)}{rng.randint(1, 299)}号",
                contact_person=heads[county_key],
                phone=_phone(rng),
                sort_order=100 + c,
            )
        )
        county_schools = []
        direct = [
            (SR, f"{county}第一中学"),
            (VO, f"{county}职业教育中心"),
            (SP, f"{county}特殊教育学校"),
        ]
        if count >= 60:
            direct.append((CM, f"{county}第二中学"))
        for kind, name in direct[: min(len(direct), count - 4)]:
            county_schools.append(add_school(county, division, county_key, kind, name))
        left = count - len(county_schools)
        town_keys = []
        for t in range(towns):
            town_stem = next(stems)
            suffix = "街道" if c < 3 and t < 2 else ("乡" if t % 5 == 4 else "镇")
            key = f"{county_key}t{t + 1}"
            plan.add_unit(
                UnitSpec(
                    key=key,
                    parent=county_key,
                    kind=UnitKind.TOWN,
                    name=f"{town_stem}{suffix}",
                    short_name=town_stem,
                    phone=_phone(rng),
                    sort_order=100 + t,
                )
            )
            town_keys.append((key, town_stem, f"{town_stem}{suffix}"))
        # Every town starts with a central primary school and a central kindergarten, then the rest.
        per_town = [left // towns + (1 if i < left % towns else 0) for i in range(towns)]
        lead_primaries = []
        for (town_key, town_stem, town_name), n in zip(town_keys, per_town, strict=True):
            primaries = []
            kind_counts = {}
            for i in range(n):
                if i == 0:
                    kind = PR
                elif i == 1:
                    kind = K
                else:
                    kind = rng.choices([k for k, _ in _TOWN_KINDS], [w for _, w in _TOWN_KINDS])[0]
                if kind == TP and not primaries:
                    kind = PR
                kind_counts[kind] = kind_counts.get(kind, 0) + 1
                nth = kind_counts[kind]
                ownership = PRI if kind == K and nth > 1 and rng.random() < 0.5 else PUB
                if kind == TP:
                    parent = rng.choice(primaries)
                    make = partial(_teaching_point_name, plan.unit(parent).name, rng)
                else:
                    parent = town_key
                    make = partial(_town_school_name, kind, nth, town_stem, town_name, ownership, rng)
                name = _unique_name(used_names, make)
                key = add_school(county, division, parent, kind, name, ownership, where=town_name)
                if kind == PR:
                    primaries.append(key)
                if kind != TP:
                    county_schools.append(key)
            if primaries:
                lead_primaries.append(primaries[0])
        for z in range(0, len(county_schools), ZONE_SIZE):
            zone_members.append((county, county_schools[z : z + ZONE_SIZE]))
        if len(lead_primaries) >= 2:
            edu_groups.append((county, lead_primaries[:4]))

    zone_codes = []
    zones_per_county = {}
    for county, members in zone_members:
        zones_per_county[county] = zones_per_county.get(county, 0) + 1
        code = f"zone-{len(zone_codes) + 1}"
        zone_codes.append(code)
        plan.groups.append(
            GroupSpec(
                GroupKind.SUPERVISION_ZONE,
                f"{county}第{_cn_number(zones_per_county[county])}督学责任区",
                code,
                f"{county}责任督学挂牌督导范围。",
                tuple((k, GroupMemberRole.MEMBER) for k in members),
            )
        )
    for i, (county, members) in enumerate(edu_groups, start=1):
        lead = plan.unit(members[0])
        plan.groups.append(
            GroupSpec(
                GroupKind.EDU_GROUP,
                f"{lead.name}教育集团",
                f"jt-{i}",
                f"{county}以{lead.name}为核心校的教育集团。",
                ((members[0], GroupMemberRole.LEAD), *((k, GroupMemberRole.MEMBER) for k in members[1:])),
            )
        )

    schools = plan.schools()
    first_primary = next(u.key for u in schools if u.kind == PR)
    first_junior = next(
        (u.key for u in schools if u.kind == JR), next(u.key for u in schools if u.kind != PR)
    )
    admin_keys = {u.key for u in schools[:CITY_SAMPLE_ADMINS]}
    safety_keys = {u.key for u in schools[:CITY_SAMPLE_SAFETY]}
    plan.users += _bureau_users(plan, names, heads, zone_codes=zone_codes)
    plan.users += _school_users(
        plan,
        names,
        heads,
        schools=schools,
        teacher_schools=list(
            dict.fromkeys([first_primary] + [u.key for u in schools[:CITY_TEACHER_SCHOOLS]])
        )[:CITY_TEACHER_SCHOOLS],
        safety_for=lambda unit: unit.key in safety_keys,
        admins_for=lambda unit: unit.key in admin_keys,
        key_primary=first_primary,
        key_junior=first_junior,
    )
    return plan


def _unique_name(used, make, attempts=20):
    """A name from `make()` that is not in `used` yet (the last draw gets an ordinal if all clash)."""
    for _ in range(attempts):
        name = make()
        if name not in used:
            break
    else:
        n = 2
        while f"{name}（{n}）" in used:
            n += 1
        name = f"{name}（{n}）"
    used.add(name)
    return name


def _teaching_point_name(school_name, rng):
    return f"{school_name}{rng.choice(TOWN_FIRST)}{rng.choice(TOWN_SECOND)}教学点"


def _town_school_name(kind, nth, stem, town_name, ownership, rng):
    epithet = rng.choice(SCHOOL_EPITHETS)
    if kind == PR:
        return f"{town_name}中心小学" if nth == 1 else f"{stem}第{_cn_number(nth)}小学"
    if kind == K:
        if ownership == PRI:
            return f"{stem}{epithet}幼儿园"
        return f"{town_name}中心幼儿园" if nth == 1 else f"{stem}第{_cn_number(nth)}幼儿园"
    if kind == JR:
        return f"{town_name}初级中学" if nth == 1 else f"{stem}第{_cn_number(nth)}初级中学"
    if kind == NY:
        return f"{stem}{epithet}学校" if nth == 1 else f"{stem}第{_cn_number(nth)}九年一贯制学校"
    return f"{stem}{epithet}学校"


_DIGITS = "零一二三四五六七八九"


def _cn_number(n):
    """1 -> 一, 12 -> 十二, 20 -> 二十 (enough for ordinals of schools)."""
    if n < 10:
        return _DIGITS[n]
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
