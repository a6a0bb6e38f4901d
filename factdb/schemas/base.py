"""Model configurations shared by the schemas: strict going in, attribute-reading going out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Every model builds its validator on first use rather than at import: a command pays only for
# the schemas it touches, which keeps short commands such as ``show`` quick to start.


class InputModel(BaseModel):
    """What a user or a file hands to factdb: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=False, frozen=True, defer_build=True
    )


class ReadModel(BaseModel):
    """What factdb hands back, built from ORM rows."""

    model_config = ConfigDict(from_attributes=True, frozen=True, defer_build=True)
