from django.db import models


class HazardLevel(models.TextChoices):
    GENERAL = "general", "一般"
    MAJOR = "major", "重大"


class HazardSource(models.TextChoices):
    SELF_CHECK = "self_check", "学校自查"
    INSPECTION = "inspection", "督查检查"
    SUPERVISION = "supervision", "督导检查"
    PUBLIC_REPORT = "public_report", "群众举报"
    INCIDENT = "incident", "事件后续"


class HazardStatus(models.TextChoices):
    FOUND = "found", "发现"
    RECTIFYING = "rectifying", "整改中"
    AWAITING_CHECK = "awaiting_check", "待复核"
    CLOSED = "closed", "已销号"
    VOID = "void", "作废"


# States in which a hazard is still open (counts towards 逾期 once its deadline has passed).
OPEN_STATUSES = (HazardStatus.FOUND, HazardStatus.RECTIFYING, HazardStatus.AWAITING_CHECK)
# States in which the hazard's details may still be edited.
EDITABLE_STATUSES = OPEN_STATUSES


class AttachmentKind(models.TextChoices):
    BEFORE = "before", "整改前"
    AFTER = "after", "整改后"
    EVIDENCE = "evidence", "佐证材料"


class HazardAction(models.TextChoices):
    REPORT = "report", "登记隐患"
    FIX_ON_SPOT = "fix_on_spot", "当场整改"
    START_RECTIFY = "start_rectify", "开始整改"
    SUBMIT = "submit", "提交复核"
    ACCEPT = "accept", "复核通过，销号"
    REJECT = "reject", "复核退回"
    VOID = "void", "作废"
    UPDATE = "update", "修改信息"
    ATTACH = "attach", "上传附件"
    LIST = "list", "挂牌督办"
    LIFT = "lift", "摘牌"
    PROGRESS = "progress", "督办进展"
    IMPORT = "import", "导入登记"


# Colours of the status badges (Bootstrap text-bg-*).
STATUS_COLOURS = {
    HazardStatus.FOUND: "warning",
    HazardStatus.RECTIFYING: "primary",
    HazardStatus.AWAITING_CHECK: "info",
    HazardStatus.CLOSED: "success",
    HazardStatus.VOID: "secondary",
}


# The default hazard categories of DOMAIN.md §1 (code, name). A data migration loads them; after that
# they are configuration (rows) that a region may rename, reorder, add to or switch off.
DEFAULT_CATEGORIES = (
    ("building", "校舍"),
    ("fire", "消防"),
    ("electricity", "用电"),
    ("gas", "燃气"),
    ("food", "食品"),
    ("traffic", "交通/校车"),
    ("security", "治安/周边"),
    ("drowning", "溺水"),
    ("lab", "实验室/危化品"),
    ("facility", "设施设备"),
    ("epidemic", "传染病"),
    ("psychology", "心理"),
    ("other", "其他"),
)
