from django.db import models


class UnitKind(models.TextChoices):
    BUREAU = "bureau", "教育局"
    DEPARTMENT = "department", "科室"
    TOWN = "town", "镇/街道"
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    NINE_YEAR = "nine_year", "九年一贯制学校"
    COMPLETE_MIDDLE = "complete_middle", "完全中学"
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中职学校/职教中心"
    SPECIAL = "special", "特殊教育学校"
    COMMUNITY = "community", "社区/成人学校"
    TRAINING = "training", "校外培训机构"
    TEACHING_POINT = "teaching_point", "教学点"


# Kinds that are schools (they report, are inspected, have students and staff).
SCHOOL_KINDS = frozenset(
    {
        UnitKind.KINDERGARTEN,
        UnitKind.PRIMARY,
        UnitKind.JUNIOR,
        UnitKind.NINE_YEAR,
        UnitKind.COMPLETE_MIDDLE,
        UnitKind.SENIOR,
        UnitKind.VOCATIONAL,
        UnitKind.SPECIAL,
        UnitKind.COMMUNITY,
        UnitKind.TRAINING,
        UnitKind.TEACHING_POINT,
    }
)

# The first two digits of the 学校标识码 that fit each kind (DOMAIN.md §7).
SCHOOL_CODE_TYPE_PREFIXES = {
    UnitKind.KINDERGARTEN: {"11"},
    UnitKind.PRIMARY: {"21"},
    UnitKind.TEACHING_POINT: {"21", "22"},
    UnitKind.JUNIOR: {"31"},
    UnitKind.NINE_YEAR: {"31", "32"},
    UnitKind.COMPLETE_MIDDLE: {"34"},
    UnitKind.SENIOR: {"34"},
    UnitKind.VOCATIONAL: {"36"},
    UnitKind.SPECIAL: {"51"},
    UnitKind.COMMUNITY: {"91", "92", "93"},
    UnitKind.TRAINING: {"91", "92", "93"},
}


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办"
    PRIVATE = "private", "民办"


class KindergartenGrade(models.TextChoices):
    PROVINCIAL_1 = "p1", "省一级"
    PROVINCIAL_2 = "p2", "省二级"
    PROVINCIAL_3 = "p3", "省三级"
    UNRATED = "none", "未定级"


class UnitStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    CLOSED = "closed", "已撤并/停办"


class GroupKind(models.TextChoices):
    DISTRICT = "district", "学区"
    SUPERVISION_ZONE = "supervision_zone", "督学责任区"
    EDU_GROUP = "edu_group", "教育集团"
    PAIRING = "pairing", "结对帮扶"


class GroupMemberRole(models.TextChoices):
    MEMBER = "member", "成员单位"
    LEAD = "lead", "牵头/核心校"
    HELPER = "helper", "帮扶方"
    HELPED = "helped", "受援方"
