"""Validators for the identifiers a bureau works with (DOMAIN.md §7), with Chinese messages.

python-stdnum covers 统一社会信用代码 (GB 32100) and 居民身份证号 (GB 11643); the 学校标识码 and the
行政区划代码 have no check digit, so their shape is checked here.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

SCHOOL_CODE_RE = re.compile(r"^\d{10}$")
DIVISION_CODE_RE = re.compile(r"^\d{6}$")
# GB/T 2260 province-level codes (first two digits of a 行政区划代码).
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip
# 学校标识码: the first two digits name the school type.
SCHOOL_CODE_TYPES = {"11", "21", "22", "31", "32", "34", "36", "41", "51", "91", "92", "93"}


def validate_school_code(value):
    """学校标识码: 10 digits, AABBCCCCCC (AA school type, BB province, then a sequence)."""
    value = (value or "").strip()
    if not SCHOOL_CODE_RE.match(value):
        raise ValidationError("学校标识码应为10位数字。", code="school_code_format")
    if value[:2] not in SCHOOL_CODE_TYPES:
        raise ValidationError(
            f"学校标识码前两位“{value[:2]}”不是有效的学校类型代码。", code="school_code_type"
        )
    if value[2:4] not in PROVINCE_CODES:
        raise ValidationError(
            f"学校标识码第3-4位“{value[2:4]}”不是有效的省级代码。", code="school_code_province"
        )


def validate_uscc(value):
    """统一社会信用代码 (GB 32100-2015): 18 characters with a check character."""
    value = (value or "").strip().upper()
    try:
        uscc.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError("统一社会信用代码应为18位。", code="uscc_length") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位不正确，请核对。", code="uscc_checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）。", code="uscc_format"
        ) from None


def validate_division_code(value):
    """行政区划代码 (GB/T 2260): 6 digits starting with a province code."""
    value = (value or "").strip()
    if not DIVISION_CODE_RE.match(value):
        raise ValidationError("行政区划代码应为6位数字。", code="division_format")
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(
            f"行政区划代码前两位“{value[:2]}”不是有效的省级代码。", code="division_province"
        )


def validate_resident_id(value):
    """居民身份证号 (GB 11643-1999): 18 characters, birth date and check character."""
    value = (value or "").strip().upper()
    try:
        ric.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError("居民身份证号应为18位。", code="ric_length") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("居民身份证号校验位不正确，请核对。", code="ric_checksum") from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError("居民身份证号中的出生日期或地区码无效。", code="ric_component") from None
    except stdnum_errors.ValidationError:
        raise ValidationError("居民身份证号格式不正确。", code="ric_format") from None
