import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from edubureau.common.errors import ServiceError
from edubureau.common.spreadsheets import Column, export_response, read_sheet, safe_cell, template_response


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("t.xlsx", buffer.getvalue())


@pytest.mark.parametrize("text", ["=1+1", "+86", "-2", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_escaped(text):
    assert safe_cell(text) == "'" + text


def test_export_writes_headers_and_escaped_rows():
    response = export_response(
        filename="隐患台账.xlsx", sheet_title="隐患", headers=["学校", "说明"], rows=[("一小", "=cmd")]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["学校", "说明"]
    assert sheet["B2"].value == "'=cmd"
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_template_has_drop_downs_from_a_hidden_sheet():
    response = template_response(
        filename="模板.xlsx",
        sheet_title="隐患",
        columns=[Column("等级", choices=("一般", "重大"), required=True)],
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["隐患"]["A1"].value == "等级*"
    assert workbook["选项"].sheet_state == "hidden"
    assert workbook["隐患"].data_validations.dataValidation


def test_read_sheet_gives_excel_row_numbers_and_skips_empty_rows():
    rows = read_sheet(
        xlsx([["学校*", "说明"], ["一小", "a"], [None, None], ["二小", "b"]]), headers=["学校", "说明"]
    )
    assert [(n, r["学校"]) for n, r in rows] == [(2, "一小"), (4, "二小")]


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese():
    with pytest.raises(ServiceError, match="不是Excel"):
        read_sheet(SimpleUploadedFile("x.xlsx", b"hello"), headers=["学校"])


def test_a_broken_zip_is_refused_in_chinese():
    with pytest.raises(ServiceError, match="无法读取"):
        read_sheet(SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage"), headers=["学校"])


def test_missing_header_is_named():
    with pytest.raises(ServiceError, match="表头缺少：说明"):
        read_sheet(xlsx([["学校"], ["一小"]]), headers=["学校", "说明"])
