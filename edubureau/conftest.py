"""The fixed test county and one user per role, reused by every app's tests.

bureau (教育局)
├── safety_dept (安全科)
├── town_a ── school_a (小学), school_b (初中)
└── town_b ── school_c (幼儿园)
zone_1 (督学责任区) = {school_a, school_c}
"""

import pytest

from edubureau.common.factories import OrgGroupFactory, OrgUnitFactory, SchoolFactory, make_user
from edubureau.org.choices import UnitKind


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without a collectstatic manifest, and hash passwords cheaply."""
    settings.PASSWORD_HASHERS = ["edubureau.common.factories.FastArgon2PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def county(db):
    class County:
        pass

    c = County()
    c.bureau = OrgUnitFactory(kind=UnitKind.BUREAU, name="测试县教育局", short_name="县教育局")
    c.safety_dept = OrgUnitFactory(kind=UnitKind.DEPARTMENT, name="安全稳定科", parent=c.bureau)
    c.town_a = OrgUnitFactory(kind=UnitKind.TOWN, name="东城镇", parent=c.bureau)
    c.town_b = OrgUnitFactory(kind=UnitKind.TOWN, name="西河镇", parent=c.bureau)
    c.school_a = SchoolFactory(kind=UnitKind.PRIMARY, name="东城镇中心小学", parent=c.town_a)
    c.school_b = SchoolFactory(kind=UnitKind.JUNIOR, name="东城镇初级中学", parent=c.town_a)
    c.school_c = SchoolFactory(kind=UnitKind.KINDERGARTEN, name="西河镇中心幼儿园", parent=c.town_b)
    c.zone_1 = OrgGroupFactory(name="第一督学责任区", units=[c.school_a, c.school_c])
    return c


@pytest.fixture
def sysadmin(county):
    return make_user("system_admin", unit=county.bureau, username="sysadmin", real_name="系统管理员")


@pytest.fixture
def leader(county):
    return make_user("leader", unit=county.bureau, username="leader", real_name="周局长")


@pytest.fixture
def dept_officer(county):
    return make_user(
        "department_staff",
        unit=county.bureau,
        department=county.safety_dept,
        username="officer",
        real_name="吴科员",
    )


@pytest.fixture
def supervisor(county):
    return make_user(
        "supervisor", unit=county.bureau, group=county.zone_1, username="supervisor", real_name="郑督学"
    )


@pytest.fixture
def admin_a(county):
    return make_user("school_admin", unit=county.school_a, username="admin_a", real_name="王校长")


@pytest.fixture
def safety_a(county):
    return make_user("safety_officer", unit=county.school_a, username="safety_a", real_name="李安全")


@pytest.fixture
def teacher_a(county):
    return make_user("teacher", unit=county.school_a, username="teacher_a", real_name="陈老师")


@pytest.fixture
def admin_b(county):
    return make_user("school_admin", unit=county.school_b, username="admin_b", real_name="赵校长")


@pytest.fixture
def role_users(sysadmin, leader, dept_officer, supervisor, admin_a, safety_a, teacher_a, admin_b):
    return {
        "sysadmin": sysadmin,
        "leader": leader,
        "dept_officer": dept_officer,
        "supervisor": supervisor,
        "admin_a": admin_a,
        "safety_a": safety_a,
        "teacher_a": teacher_a,
        "admin_b": admin_b,
    }
