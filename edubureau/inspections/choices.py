from django.db import models


class Theme(models.TextChoices):
    SEMESTER_START = "semester_start", "开学检查"
    HOLIDAY = "holiday", "节前检查"
    DROWNING = "drowning", "防溺水"
    GAS = "gas", "燃气"
    FIRE = "fire", "消防"
    FOOD = "food", "食品"
    TRAFFIC = "traffic", "交通"
    ILLEGAL = "illegal", "打非治违"
    OTHER = "other", "其他"


class Mode(models.TextChoices):
    SELF_CHECK = "self_check", "自查"
    SURVEY = "survey", "普查"
    SPOT_CHECK = "spot_check", "抽查"
    UNANNOUNCED = "unannounced", "飞行检查（暗访）"


class TargetRule(models.TextChoices):
    ALL = "all", "全部学校"
    KINDS = "kinds", "按学校类型"
    GROUP = "group", "按分组（学区、责任区、集团）"
    LIST = "list", "指定学校名单"
    SAMPLE = "sample", "随机抽取N所"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class AnswerType(models.TextChoices):
    YES_NO_NA = "yes_no_na", "符合/不符合/不适用"
    NUMBER = "number", "数值"
    TEXT = "text", "文字"


class Verdict(models.TextChoices):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    NA = "na", "不适用"


class SelfCheckStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交"


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "记录中"
    RECORDED = "recorded", "已记录"


class MemberKind(models.TextChoices):
    STAFF = "staff", "局机关人员"
    SUPERVISOR = "supervisor", "责任督学"
    EXPERT = "expert", "外聘专家"


# Badge colours by status value ("draft" is shared: 筹备中 / 填写中 / 记录中 all show as not done yet).
STATUS_COLOURS = {
    CampaignStatus.OPEN: "primary",
    CampaignStatus.CLOSED: "success",
    SelfCheckStatus.DRAFT: "warning",
    SelfCheckStatus.SUBMITTED: "success",
    VisitStatus.DRAFT: "warning",
    VisitStatus.RECORDED: "success",
}

# Where hazards made by this app point back to (safety.Hazard.source_type).
SOURCE_VISIT = "inspections.visit"
SOURCE_SELF_CHECK = "inspections.selfcheck"
