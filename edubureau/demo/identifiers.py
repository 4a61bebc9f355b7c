"""Valid identifiers for the demo: 学校标识码, 组织机构代码 and 统一社会信用代码 (DOMAIN.md §7).

The codes are well formed and carry correct check characters, but they are drawn at random and
belong to no real institution.
"""

from stdnum.cn import uscc

from edubureau.org.choices import SCHOOL_CODE_TYPE_PREFIXES, UnitKind

# GB 11714-1997 (组织机构代码): weights of the eight body characters.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# First two characters of a 统一社会信用代码 (GB 32100-2015): registering authority and entity type.
USCC_GOVERNMENT_BODY = "11"  # 机构编制 · 机关 (the bureau)
USCC_PUBLIC_INSTITUTION = "12"  # 机构编制 · 事业单位 (a public school)
USCC_PRIVATE_NONPROFIT = "52"  # 民政 · 民办非企业单位 (a private school or kindergarten)


def _char_value(char):
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check(body):
    """The check character of an 8-character 组织机构代码 body (GB 11714)."""
    total = sum(_char_value(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(prefix, division_code, org_body):
    """A complete 统一社会信用代码 from its parts, with both check characters computed."""
    stem = prefix + division_code + org_body + org_code_check(org_body)
    return stem + uscc.calc_check_digit(stem)


def school_code_prefix(kind):
    """The type digits (AA) of the 学校标识码 for a kind of school: the lowest allowed value."""
    return min(SCHOOL_CODE_TYPE_PREFIXES[UnitKind(kind)])


class CodeBook:
    """Draws unique identifiers for one demo area from a seeded random generator."""

    def __init__(self, rng, province, division_code):
        self.rng = rng
        self.province = province
        self.division_code = division_code
        self.school_codes = set()
        self.usccs = set()

    def school_code(self, kind):
        prefix = school_code_prefix(kind) + self.province
        while True:
            code = f"{prefix}{self.rng.randrange(10**6):06d}"
            if code not in self.school_codes:
                self.school_codes.add(code)
                return code

    def uscc(self, prefix, division_code=None):
        division_code = division_code or self.division_code
        while True:
            if prefix == USCC_PRIVATE_NONPROFIT:
                body = f"MJ{self.rng.randrange(10**6):06d}"
            elif prefix == USCC_GOVERNMENT_BODY:
                body = f"00{self.rng.randrange(10**6):06d}"
            else:
                body = f"4{self.rng.randrange(10**7):07d}"
            code = make_uscc(prefix, division_code, body)
            if code not in self.usccs:
                self.usccs.add(code)
                return code
