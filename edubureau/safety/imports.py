"""Hazards from Excel: a template with drop-down lists, then every row checked and all rows written
or none (DESIGN.md rule 5). Each hazard is written by services.hazard_report on channel "import"."""

import datetime
import re

from django.db import transaction
from django.utils import timezone

from edubureau.audit import services as audit
from edubureau.common.context import Channel, acting
from edubureau.common.errors import ServiceError
from edubureau.common.spreadsheets import CellError, Column, ImportRejected, read_sheet, template_response
from edubureau.org.choices import SCHOOL_KINDS

from . import permissions as P
from . import services
from .choices import HazardLevel, HazardSource
from .models import HazardCategory

__all__ = ["ImportRejected", "columns_help", "import_hazards", "template"]

SCHOOL = "学校"
PLACE = "隐患部位"
CATEGORY = "隐患类别"
LEVEL = "隐患等级"
SOURCE = "发现方式"
FOUND_ON = "发现日期"
FINDER = "发现人"
DESCRIPTION = "隐患描述"
MEASURES = "整改措施"
RESPONSIBLE = "整改责任人"
DEADLINE = "整改期限"
SOURCE_LABEL = "来源说明"

HEADERS = (
    SCHOOL,
    PLACE,
    CATEGORY,
    LEVEL,
    SOURCE,
    FOUND_ON,
    FINDER,
    DESCRIPTION,
    MEASURES,
    RESPONSIBLE,
    DEADLINE,
    SOURCE_LABEL,
)
FIELD_COLUMNS = {
    "school": SCHOOL,
    "place": PLACE,
    "category": CATEGORY,
    "level": LEVEL,
    "source": SOURCE,
    "found_on": FOUND_ON,
    "finder_name": FINDER,
    "description": DESCRIPTION,
    "measures": MEASURES,
    "responsible_person": RESPONSIBLE,
    "deadline": DEADLINE,
    "source_label": SOURCE_LABEL,
}
REQUIRED = (PLACE, CATEGORY, LEVEL, DESCRIPTION)
LIMITS = {
    PLACE: 100,
    FINDER: 60,
    DESCRIPTION: 2000,
    MEASURES: 2000,
    RESPONSIBLE: 60,
    SOURCE_LABEL: 200,
    SCHOOL: 100,
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
WORKDAYS = re.compile(r"^\s*\d{1,3}\s*个?\s*工作日(内|之内)?\s*$")


def import_schools(user):
    """Schools the user may import hazards for: import and report permission on the school."""
    from edubureau.org.models import OrgUnit

    qs = OrgUnit.objects.visible_to(user, P.IMPORT).filter(kind__in=SCHOOL_KINDS, status="active")
    return [s for s in qs.order_by("path") if services.scope.user_can(user, P.REPORT, s)]


def school_choices(schools):
    """{text in the drop-down: school}. Names that occur twice carry the 学校标识码."""
    counts = {}
    for s in schools:
        counts[s.name] = counts.get(s.name, 0) + 1
    result = {}
    for s in schools:
        label = s.name if counts[s.name] == 1 else f"{s.name}（{s.school_code or s.pk}）"
        result[label] = s
    return result


def columns(user):
    schools = school_choices(import_schools(user))
    single = len(schools) == 1
    return [
        Column(
            SCHOOL,
            "本校账号可不填（默认本校）。" if single else "从下拉列表选择学校；也可填学校标识码。",
            tuple(schools),
            required=not single,
            width=28,
        ),
        Column(PLACE, "隐患所在的具体部位，如“教学楼二楼东侧楼梯”。", required=True, width=24),
        Column(
            CATEGORY, "从下拉列表选择。", tuple(c.name for c in HazardCategory.objects.active()), True, 14
        ),
        Column(LEVEL, "一般或重大。重大隐患导入后自动挂牌督办。", tuple(HazardLevel.labels), True, 10),
        Column(SOURCE, "不填默认为“学校自查”。", tuple(HazardSource.labels), width=12),
        Column(FOUND_ON, "日期，如2026-03-02；不填默认为导入当天。", width=14),
        Column(FINDER, "不填默认为导入人。", width=12),
        Column(DESCRIPTION, "存在什么问题、可能造成什么后果。", required=True, width=40),
        Column(MEASURES, "已有整改措施的可填写。", width=30),
        Column(RESPONSIBLE, "整改责任人姓名。", width=12),
        Column(DEADLINE, "日期（如2026-03-20），或“5个工作日内”（自发现日期起按工作日计算）。", width=16),
        Column(SOURCE_LABEL, "如检查活动名称、举报编号等。", width=24),
    ]


def columns_help(user):
    return [(c.header, c.required, c.hint) for c in columns(user)]


def template(user):
    cols = columns(user)
    schools = list(cols[0].choices)
    example = [
        schools[0] if schools else "",
        "食堂操作间",
        "燃气",
        "一般",
        "学校自查",
        timezone.localdate().isoformat(),
        "",
        "燃气软管老化开裂，存在泄漏风险。",
        "更换燃气软管，加装燃气泄漏报警器。",
        "",
        "5个工作日内",
        "",
    ]
    notes = (
        "填写说明：",
        "1. 第一行为表头，请勿修改、删除或调整列的顺序；带*的列必须填写。",
        "2. 学校、隐患类别、隐患等级、发现方式请从下拉列表中选择。",
        "3. 日期请填写为“2026-03-02”格式；整改期限也可以填写“5个工作日内”。",
        "4. 第2行为示例，导入前请删除或改为实际数据。",
        "5. 文件中任何一行有误时，整个文件都不会导入；请按提示逐条修改后重新上传。",
        "6. 重大隐患导入后自动挂牌督办；当场整改的隐患须上传照片，请在系统中逐条登记。",
    )
    return template_response(
        filename="安全隐患导入模板.xlsx", sheet_title="安全隐患", columns=cols, example=example, notes=notes
    )


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        value = _text(value)
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_row(number, row, *, schools, by_code, single, categories, errors):
    """kwargs for hazard_report from one row, or None (its errors appended to `errors`)."""
    before = len(errors)

    def error(column, message):
        errors.append(CellError(number, column, message))

    values = {h: _text(row.get(h)) if h not in (FOUND_ON, DEADLINE) else row.get(h) for h in HEADERS}
    for header in HEADERS:
        value = values[header]
        if (
            isinstance(value, str)
            and value.startswith(("=", "+", "@"))
            and header not in (FOUND_ON, DEADLINE)
        ):
            error(header, "不能以“=”“+”“@”开头（疑似公式），请填写文字内容。")
            values[header] = ""
        elif isinstance(value, str) and header in LIMITS and len(value) > LIMITS[header]:
            error(header, f"不能超过{LIMITS[header]}个字（现有{len(value)}个字）。")
    for header in REQUIRED:
        if not values[header] and not any(e.row == number and e.column == header for e in errors):
            error(header, "必须填写。")

    school_text = values[SCHOOL]
    school = None
    if school_text:
        school = schools.get(school_text) or by_code.get(school_text)
        if school is None:
            error(SCHOOL, f"“{school_text}”不是您可以导入的学校，请从下拉列表中选择。")
    elif single is not None:
        school = single
    else:
        error(SCHOOL, "必须填写。")

    category = None
    if values[CATEGORY]:
        category = categories.get(values[CATEGORY])
        if category is None:
            error(CATEGORY, f"“{values[CATEGORY]}”不是有效的隐患类别，请从下拉列表中选择。")
    level = None
    if values[LEVEL]:
        level = {label: value for value, label in HazardLevel.choices}.get(values[LEVEL])
        level = level or (values[LEVEL] if values[LEVEL] in HazardLevel.values else None)
        if level is None:
            error(LEVEL, "应为“一般”或“重大”。")
    source = HazardSource.SELF_CHECK
    if values[SOURCE]:
        source = {label: value for value, label in HazardSource.choices}.get(values[SOURCE])
        if source is None:
            error(SOURCE, f"应为以下之一：{'、'.join(HazardSource.labels)}。")

    found_on = None
    try:
        found_on = _parse_date(values[FOUND_ON])
    except ValueError:
        error(FOUND_ON, "不是有效的日期，请填写如“2026-03-02”。")
    if found_on and found_on > timezone.localdate():
        error(FOUND_ON, "不能晚于今天。")
    deadline = values[DEADLINE]
    if isinstance(deadline, str) and WORKDAYS.match(deadline):
        deadline = deadline.strip()
    else:
        try:
            deadline = _parse_date(deadline)
        except ValueError:
            error(DEADLINE, "应为日期（如“2026-03-20”）或“N个工作日内”。")
            deadline = None
    if isinstance(deadline, datetime.date) and deadline < (found_on or timezone.localdate()):
        error(DEADLINE, "不能早于发现日期。")

    if len(errors) > before:
        return None
    return {
        "school": school,
        "place": values[PLACE],
        "category": category,
        "level": level,
        "source": source,
        "found_on": found_on,
        "finder_name": values[FINDER],
        "description": values[DESCRIPTION],
        "measures": values[MEASURES],
        "responsible_person": values[RESPONSIBLE],
        "deadline": deadline or None,
        "source_label": values[SOURCE_LABEL],
    }


def import_hazards(*, actor, upload):
    """Read, check and write the hazards of an uploaded template. All rows or none: raises
    ImportRejected listing every bad cell (row, column, reason) when anything is wrong."""
    rows = read_sheet(upload, headers=list(HEADERS))
    if not rows:
        raise ServiceError("文件中没有数据行。", field="file")
    allowed = import_schools(actor)
    if not allowed:
        raise ServiceError("您没有可以导入隐患的学校。", field="file")
    schools = school_choices(allowed)
    by_code = {s.school_code: s for s in allowed if s.school_code}
    single = allowed[0] if len(allowed) == 1 else None
    categories = {c.name: c for c in HazardCategory.objects.active()}
    categories.update({c.code: c for c in HazardCategory.objects.active()})

    errors, parsed, seen = [], [], {}
    for number, row in rows:
        data = _parse_row(
            number, row, schools=schools, by_code=by_code, single=single, categories=categories, errors=errors
        )
        if data is None:
            continue
        key = (data["school"].pk, data["place"], data["description"])
        if key in seen:
            errors.append(CellError(number, DESCRIPTION, f"与第{seen[key]}行重复（同一学校、部位和描述）。"))
            continue
        seen[key] = number
        parsed.append((number, data))
    if errors:
        raise ImportRejected(errors)

    with acting(channel=Channel.IMPORT), transaction.atomic():
        hazards = []
        for number, data in parsed:
            try:
                hazards.append(services.hazard_report(actor=actor, channel=Channel.IMPORT, **data))
            except ServiceError as exc:
                errors.append(CellError(number, FIELD_COLUMNS.get(exc.field, "整行"), exc.message))
        if errors:
            raise ImportRejected(errors)
        audit.record(
            actor=actor,
            action="safety.hazard.import",
            object_type="safety.hazard",
            object_label=f"导入安全隐患{len(hazards)}条",
            unit=getattr(actor, "unit_id", None),
            note=f"文件：{getattr(upload, 'name', '')}"[:500],
            channel=Channel.IMPORT,
        )
    return hazards
