"""The base every op shares, and the field types that bound its fields.

Kept apart from `ops.py` so the op families (`ops_meeting`, `ops_content`, `ops_signals`) can
build on it while `ops.py` gathers them into the one tagged union the wire and the log decode.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

Id = Annotated[str, Meta(min_length=1, max_length=64)]
Cid = Annotated[str, Meta(max_length=64)]
Name = Annotated[str, Meta(max_length=80)]
Title = Annotated[str, Meta(max_length=200)]
Text = Annotated[str, Meta(min_length=1, max_length=2000)]
LongText = Annotated[str, Meta(max_length=4000)]
When = Annotated[str, Meta(max_length=40)]
Minutes = Annotated[int, Meta(ge=1, le=240)]
Budget = Annotated[int, Meta(ge=1, le=50)]


class Op(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    cid: Cid = ""
