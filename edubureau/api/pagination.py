"""Limit/offset pagination for every list: {"count", "items", "limit", "offset"}.

Out-of-range values are refused with a 422 naming the parameter (not silently clamped), so a client
that asks for 1,000 rows learns the maximum instead of getting 500 rows without noticing.
"""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 100_000_000


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数，1-{MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


class Page(Schema):
    count: int = Field(description="符合条件的总条数")
    items: list[Any]
    limit: int
    offset: int


class LimitOffset(PaginationBase):
    Input = PageParams
    Output = Page

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit, offset = pagination.limit, pagination.offset
        count = self._items_count(queryset)
        return {
            "count": count,
            "items": queryset[offset : offset + limit] if count > offset else [],
            "limit": limit,
            "offset": offset,
        }
