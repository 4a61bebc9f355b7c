"""Excel in and out, the same way everywhere.

- `export_response`: a list page's rows as an .xlsx download (streamed, formula injection escaped).
- `template_response`: an import template with a header row, input hints, drop-down lists and a
  protected header.
- `read_sheet`: the rows of an uploaded workbook (python-calamine, fast), with checks that it is a real
  workbook, not too big, and has the expected headers. Import services validate every cell, collect
  `CellError`s and raise `ImportRejected` before writing anything: all rows or none.
"""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .errors import ServiceError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000
HEADER_FILL = PatternFill("solid", fgColor="F1F3F6")


def safe_cell(value):
    """A value as it should go into a cell: text that a spreadsheet would run as a formula is escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _content_disposition(filename):
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"


def export_response(*, filename, sheet_title, headers, rows, widths=None):
    """An .xlsx download. `rows` is any iterable of sequences (a queryset's values_list is fine)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    if widths:
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(list(headers))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _content_disposition(filename)
    return response


@dataclass(frozen=True)
class Column:
    """One column of an import template."""

    header: str
    hint: str = ""
    choices: tuple = ()  # drop-down values
    required: bool = False
    width: int = 16


def template_response(*, filename, sheet_title, columns, example=None, notes=()):
    """An import template: header row with hints as comments, drop-downs, frozen and protected header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    lists = workbook.create_sheet("选项")
    lists.sheet_state = "hidden"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if column.required else ""))
        cell.font = Font(bold=True, color="B3151B" if column.required else "1F2D3D")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.hint:
            cell.comment = Comment(column.hint, "教育局工作平台")
        sheet.column_dimensions[letter].width = column.width
        if column.choices:
            for row, choice in enumerate(column.choices, start=1):
                lists.cell(row=row, column=index, value=choice)
            validation = DataValidation(
                type="list",
                formula1=f"'选项'!${letter}$1:${letter}${len(column.choices)}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=f"请从下拉列表中选择“{column.header}”。",
                promptTitle=column.header,
                prompt=column.hint[:250] if column.hint else "请从下拉列表中选择。",
                showInputMessage=True,
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    if example:
        for index, value in enumerate(example, start=1):
            sheet.cell(row=2, column=index, value=value)
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = False  # rows stay editable; the header is guarded by the import's header check
    if notes:
        info = workbook.create_sheet("填写说明")
        for row, note in enumerate(notes, start=1):
            info.cell(row=row, column=1, value=note)
        info.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _content_disposition(filename)
    return response


@dataclass(frozen=True)
class CellError:
    """What is wrong with one cell (row and column as the user sees them in Excel)."""

    row: int
    column: str  # the header text
    message: str

    def __str__(self):
        return f"第{self.row}行“{self.column}”：{self.message}"


class ImportRejected(ServiceError):
    """The file has errors: nothing was written. `errors` lists every bad cell."""

    code = "import_rejected"

    def __init__(self, errors, message=None):
        self.errors = list(errors)
        details = {"rows": [str(e) for e in self.errors[:200]]}
        super().__init__(
            message or f"导入失败，共{len(self.errors)}处错误，未写入任何数据。", details=details
        )


def read_sheet(upload, *, headers, sheet_index=0):
    """[(excel row number, {header: value})] of an uploaded workbook's first sheet.

    Refuses (ServiceError, in Chinese) a file that is too big, is not a workbook, or lacks a header.
    Empty rows are skipped. Values come as calamine gives them: str, float, int, bool, date/datetime.
    """
    from python_calamine import CalamineWorkbook

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ServiceError(f"文件过大（上限{MAX_UPLOAD_BYTES // 1024 // 1024}MB）。", field="file")
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise ServiceError(f"文件过大（上限{MAX_UPLOAD_BYTES // 1024 // 1024}MB）。", field="file")
    if not data.startswith(b"PK\x03\x04"):
        raise ServiceError("上传的不是Excel（.xlsx）文件，请使用下载的模板填写后上传。", field="file")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = workbook.get_sheet_by_index(sheet_index).to_python(skip_empty_area=False)
    except Exception:  # any parse failure means "not a readable workbook"
        raise ServiceError("无法读取该Excel文件，请确认文件未损坏并使用下载的模板。", field="file") from None
    if not rows:
        raise ServiceError("Excel文件是空的。", field="file")
    found = [str(v).strip().rstrip("*") for v in rows[0]]
    missing = [h for h in headers if h not in found]
    if missing:
        raise ServiceError(
            f"表头缺少：{'、'.join(missing)}。请使用下载的模板，不要修改第一行。", field="file"
        )
    index = {h: found.index(h) for h in headers}
    result = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in row if v is not None):
            continue
        if len(result) >= MAX_ROWS:
            raise ServiceError(f"一次最多导入{MAX_ROWS}行。", field="file")
        result.append((number, {h: (row[i] if i < len(row) else "") for h, i in index.items()}))
    return result
