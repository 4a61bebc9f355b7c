import pytest
from django.core.exceptions import ValidationError

from edubureau.org.validators import (
    validate_division_code,
    validate_resident_id,
    validate_school_code,
    validate_uscc,
)


def messages_of(validator, value):
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.messages[0]


@pytest.mark.parametrize("value", ["2133000001", "1144123456", "3411000009", "5165000001"])
def test_school_code_accepts_ten_digits_with_known_type_and_province(value):
    validate_school_code(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("213300001", "应为10位数字"),  # nine digits
        ("21330000012", "应为10位数字"),  # eleven digits
        ("21330000A1", "应为10位数字"),  # a letter
        ("9933000001", "不是有效的学校类型代码"),  # unknown school type 99
        ("2199000001", "不是有效的省级代码"),  # unknown province 99
        ("2100000001", "不是有效的省级代码"),  # province 00
    ],
)
def test_school_code_refuses_wrong_length_type_or_province(value, message):
    assert message in messages_of(validate_school_code, value)


def test_uscc_accepts_a_valid_code_in_either_case():
    validate_uscc("91110000600037341L")
    validate_uscc("91110000600037341l")


def test_uscc_refuses_a_wrong_check_character():
    assert messages_of(validate_uscc, "91110000600037341M") == "统一社会信用代码校验位不正确，请核对。"


def test_uscc_refuses_wrong_length_and_forbidden_letters():
    assert messages_of(validate_uscc, "91110000600037341") == "统一社会信用代码应为18位。"
    assert "只能包含数字和大写字母" in messages_of(validate_uscc, "9111000060003734IL")


@pytest.mark.parametrize("value", ["330102", "110105", "810000"])
def test_division_code_accepts_six_digits_with_a_province(value):
    validate_division_code(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("33010", "应为6位数字"),
        ("3301021", "应为6位数字"),
        ("33A102", "应为6位数字"),
        ("990102", "不是有效的省级代码"),
    ],
)
def test_division_code_refuses_bad_values(value, message):
    assert message in messages_of(validate_division_code, value)


def test_resident_id_accepts_a_valid_number_with_x_check_character():
    validate_resident_id("11010519491231002X")
    validate_resident_id("11010519491231002x")


def test_resident_id_refuses_a_wrong_check_character():
    assert messages_of(validate_resident_id, "110105194912310021") == "居民身份证号校验位不正确，请核对。"


def test_resident_id_refuses_wrong_length():
    assert messages_of(validate_resident_id, "11010519491231002") == "居民身份证号应为18位。"
