"""一事一通报: the bulletin on one incident as a Word document, drafted from the incident and its
reports. The bureau edits it in Word or WPS before it is issued."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .choices import ReportKind, Timeliness
from .rules import format_delta, format_minutes

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _when(moment):
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _day(moment):
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def _money(amount):
    return f"{amount:,.2f}元"


def _font(run, name=BODY_FONT, size=16, bold=False, color=None):
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    return run


def _paragraph(doc, text="", *, font=BODY_FONT, size=16, bold=False, color=None, align=None, indent=True):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), font, size, bold, color)
    return p


def _red_rule(paragraph):
    """A red line under the header (a bottom border on its last paragraph)."""
    p_pr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "18")
    bottom.set(qn("w:space"), "6")
    bottom.set(qn("w:color"), "C00000")
    borders.append(bottom)
    p_pr.append(borders)


def _heading(doc, text):
    return _paragraph(doc, text, font=HEADING_FONT, size=16)


def _subject(incident):
    name = incident.school.name
    return incident.title if incident.title.startswith(name) else f"{name}{incident.title}"


def _timeliness_text(incident, standing, limit):
    rule = f"按照{incident.get_level_display()}事件须在事发后{format_minutes(limit.first_report_minutes)}内书面初报的规定，"
    if standing.timeliness == Timeliness.MISSED:
        return (
            rule + f"截至本通报生成时，{incident.school.name}仍未报送该事件信息，属于漏报。"
            f"教育局于{_when(incident.bureau_learned_at)}通过{incident.bureau_source or '其他渠道'}获知该事件。"
        )
    first = _when(standing.first_report_at)
    if standing.supplemented:
        text = (
            f"该事件学校未主动报送，教育局于{_when(incident.bureau_learned_at)}通过"
            f"{incident.bureau_source or '其他渠道'}获知后记录在案；{incident.school.name}于{first}补报初报，"
        )
        text += (
            f"属于迟报，超出时限{format_delta(standing.late_by)}。"
            if standing.is_late
            else "补报时仍在时限内。"
        )
        return rule + text
    if standing.is_late:
        return (
            rule
            + f"{incident.school.name}于{first}报送初报，超出时限{format_delta(standing.late_by)}，属于迟报。"
        )
    return rule + f"{incident.school.name}于{first}报送初报，在规定时限内。"


def _final_text(standing, now):
    if standing.final_report_at is not None:
        return f"学校已于{_when(standing.final_report_at)}报送终报。"
    text = f"学校尚未报送终报，终报时限为{_when(standing.final_due)}"
    return text + ("，已逾期。" if standing.final_overdue else "。")


def build_bulletin(*, incident, standing, limit, bureau, now=None):
    """The bulletin as .docx bytes. `incident` comes from selectors.incident_detail (with report_list)."""
    now = now or timezone.now()
    reports = list(incident.report_list)
    latest = reports[-1] if reports else None
    final = next((r for r in reports if r.kind == ReportKind.FINAL), None)

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    # 红头: the bureau's name in red, the bulletin's name, its number and date, a red rule.
    _paragraph(
        doc, bureau, font=TITLE_FONT, size=30, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    _paragraph(
        doc,
        "突发事件信息通报",
        font=TITLE_FONT,
        size=22,
        color=RED,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    line = _paragraph(doc, indent=False)
    line.paragraph_format.space_before = Pt(12)
    line.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), WD_TAB_ALIGNMENT.RIGHT)
    _font(line.add_run(f"事件编号：{incident.pk}"), size=14)
    _font(line.add_run(f"\t{_day(now)}"), size=14)
    _red_rule(line)

    title = _paragraph(
        doc,
        f"关于{_subject(incident)}的情况通报",
        font=TITLE_FONT,
        size=22,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.line_spacing = Pt(36)

    _paragraph(
        doc,
        f"{_when(incident.occurred_at)}，{incident.school.name}发生一起{incident.get_category_display()}类"
        f"{incident.get_level_display()}突发事件。现将有关情况通报如下：",
    )

    _heading(doc, "一、基本情况")
    _paragraph(doc, f"事发时间：{_when(incident.occurred_at)}。")
    _paragraph(doc, f"事发地点：{incident.place}。")
    _paragraph(doc, f"事发单位：{incident.school.name}。")
    _paragraph(doc, f"事件类别及级别：{incident.get_category_display()}，{incident.get_level_display()}。")
    _paragraph(doc, f"事件经过：{incident.summary}")
    if incident.reporter_name:
        phone = f"（{incident.reporter_phone}）" if incident.reporter_phone else ""
        who = "信息提供人" if incident.recorded_by_bureau else "报告人"
        _paragraph(doc, f"{who}：{incident.reporter_name}{phone}。")

    _heading(doc, "二、伤亡及损失情况")
    current = latest or incident
    as_of = f"截至{_when(latest.submitted_at)}{latest.label}" if latest else "据教育局记录"
    _paragraph(
        doc,
        f"{as_of}，事件共造成死亡{current.deaths}人、受伤{current.injuries}人，"
        f"直接经济损失约{_money(current.estimated_loss)}。",
    )
    if latest and (latest.deaths, latest.injuries, latest.estimated_loss) != (
        incident.deaths,
        incident.injuries,
        incident.estimated_loss,
    ):
        _paragraph(
            doc,
            f"（事件登记时：死亡{incident.deaths}人、受伤{incident.injuries}人，"
            f"直接经济损失约{_money(incident.estimated_loss)}。）",
        )

    _heading(doc, "三、信息报送情况")
    _paragraph(doc, _timeliness_text(incident, standing, limit))
    _paragraph(doc, _final_text(standing, now))
    if reports:
        _paragraph(doc, f"该事件共报送{len(reports)}次报告，报送经过如下：")
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (Cm(1.2), Cm(2.2), Cm(3.4), Cm(2.0), Cm(6.8))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid (LibreOffice/WPS read it); cells below for Word
        for cell, text, width in zip(
            table.rows[0].cells, ("序号", "类型", "报送时间", "报送人", "主要内容"), widths, strict=True
        ):
            cell.width = width
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
        for index, report in enumerate(reports, start=1):
            who = report.submitted_by.real_name if report.submitted_by else "—"
            values = (
                str(index),
                report.label,
                _when(report.submitted_at),
                who,
                f"{report.text}（死亡{report.deaths}人，受伤{report.injuries}人，损失{_money(report.estimated_loss)}）",
            )
            cells = table.add_row().cells
            for cell, text, width in zip(cells, values, widths, strict=True):
                cell.width = width
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
        doc.add_paragraph()

    _heading(doc, "四、已采取的措施")
    _paragraph(doc, (latest.measures if latest else incident.measures) or "—")
    if latest and latest.measures != incident.measures:
        _paragraph(doc, f"事发初期采取的措施：{incident.measures}")

    _heading(doc, "五、原因分析")
    if final is not None and final.cause:
        _paragraph(doc, final.cause)
    elif incident.likely_cause:
        _paragraph(doc, f"初步分析：{incident.likely_cause}（待终报确认）")
    else:
        _paragraph(doc, "原因正在调查中，待终报确认。")

    _heading(doc, "六、下一步工作")
    if latest and latest.next_steps:
        _paragraph(doc, latest.next_steps)
    _paragraph(
        doc,
        "各学校要以此为鉴，举一反三，立即围绕同类风险开展一次排查，落实整改责任和时限；"
        "严格执行突发事件信息报送制度，事发后第一时间电话报告、按时书面报送，做到及时、准确、完整，"
        "杜绝迟报、漏报、瞒报。",
    )

    doc.add_paragraph()
    _paragraph(doc, bureau, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(doc, _day(now), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    note = _paragraph(
        doc,
        "（本通报根据事件报送记录自动生成，印发前请核对。）",
        size=12,
        indent=False,
        color=RGBColor(0x59, 0x59, 0x59),
    )
    note.paragraph_format.space_before = Pt(18)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
