"""Test helpers for the org app's tests."""

from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgUnit, path_segment


def bulk_schools(parent, count, *, start_pk=100000):
    """`count` primary schools under `parent`, created in one statement (paths set by hand)."""
    units = [
        OrgUnit(
            pk=start_pk + i,
            parent=parent,
            kind=UnitKind.PRIMARY,
            name=f"批量测试第{i + 1}小学",
            school_code=f"2133{start_pk + i:06d}",
            path=parent.path + path_segment(start_pk + i),
            depth=parent.depth + 1,
        )
        for i in range(count)
    ]
    OrgUnit.objects.bulk_create(units)
    return units
