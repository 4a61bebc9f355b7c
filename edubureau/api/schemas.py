"""Schemas and helpers shared by the routers."""

from typing import Annotated

from ninja import Field, Path, Schema
from pydantic import ConfigDict

from edubureau.common.privacy import mask_phone_tail as mask_phone  # noqa: F401 (API policy)

# Primary keys are 64-bit; a larger number would overflow the database driver (a 500), so it is a 422.
ID_MAX = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]
PathId = Annotated[int, Path(ge=1, le=ID_MAX, description="对象编号")]


class ErrorOut(Schema):
    code: str = Field(description="错误代码，如 not_found、invalid、conflict")
    message: str = Field(description="中文说明")
    details: dict[str, list[str]] = Field(default_factory=dict, description="按字段列出的中文提示")


class InputSchema(Schema):
    """A request body: unknown fields are refused and text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UnitRef(Schema):
    id: int
    name: str
    kind: str


class NamedRef(Schema):
    id: int
    name: str


def unit_ref(unit):
    return {"id": unit.pk, "name": unit.name, "kind": unit.kind} if unit is not None else None


def named_ref(obj):
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def errors(*statuses):
    """The documented error responses of an operation: {status: ErrorOut}."""
    return dict.fromkeys((401, *statuses), ErrorOut)
