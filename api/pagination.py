"""Cursor (keyset) pagination: the next page starts after the last row's sort key, never at an OFFSET.

Page 1 and page 400 of a 10 000-invoice account cost the same: one indexed range scan of `page_size`
rows (bench/api_invoices.py). The cursor is the last row's key as integers joined by "_" (a date as its
ordinal, a time as microseconds since 1970, an id as is): every string the schema's pattern allows decodes
to a position (out-of-range numbers are clamped), so the schema describes exactly what the API accepts.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.db.models import F, Q, QuerySet
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
MAX_ID = 2**63 - 1
MAX_MICROSECONDS = (datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC) - EPOCH) // MICROSECOND
PART = r"[0-9]{1,18}"


class KeysetPagination(BasePagination):
    """Rows in descending `ordering`, the last field unique: e.g. (("issue_date", date), ("id", int))."""

    ordering: Sequence[tuple[str, type]] = (("id", int),)
    cursor_param = "cursor"
    size_param = "page_size"

    def __init__(self) -> None:
        self.fields = [field for field, _kind in self.ordering]
        self.pattern = "^" + "_".join([PART] * len(self.ordering)) + "$"

    @staticmethod
    def _encode_value(value, kind: type) -> str:
        if kind is datetime.datetime:
            return str((value - EPOCH) // MICROSECOND)
        if kind is datetime.date:
            return str(value.toordinal())
        return str(value)

    @staticmethod
    def _decode_value(number: int, kind: type):
        if kind is datetime.datetime:
            return EPOCH + min(number, MAX_MICROSECONDS) * MICROSECOND
        if kind is datetime.date:
            return datetime.date.fromordinal(min(max(number, 1), datetime.date.max.toordinal()))
        return min(number, MAX_ID)

    def _decode(self, raw: str) -> list:
        if not re.fullmatch(self.pattern, raw):
            raise serializers.ValidationError({self.cursor_param: ["This cursor is not valid."]})
        numbers = [int(part) for part in raw.split("_")]
        return [
            self._decode_value(number, kind)
            for number, (_f, kind) in zip(numbers, self.ordering, strict=True)
        ]

    def _encode(self, row) -> str:
        return "_".join(self._encode_value(getattr(row, field), kind) for field, kind in self.ordering)

    def _after(self, values: list) -> Q:
        """Rows strictly after `values` in descending order: (a < x) or (a = x and b < y) ..."""
        condition = Q()
        equal = Q()
        for field, value in zip(self.fields, values, strict=True):
            condition |= equal & Q(**{f"{field}__lt": value})
            equal &= Q(**{field: value})
        return condition

    def page_size(self, request) -> int:
        raw = request.query_params.get(self.size_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        size = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 5 else 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise serializers.ValidationError(
                {self.size_param: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return size

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        size = self.page_size(request)
        raw = request.query_params.get(self.cursor_param)
        if raw is not None:
            queryset = queryset.filter(self._after(self._decode(raw)))
        rows = list(queryset.order_by(*[F(field).desc() for field in self.fields])[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.next_cursor = self._encode(rows[-1]) if self.has_next and rows else None
        self.request = request
        return rows

    def next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_param, self.next_cursor)

    def get_paginated_response(self, data) -> Response:
        return Response({"next_cursor": self.next_cursor, "next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next_cursor", "next", "results"],
            "properties": {
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "pattern": self.pattern,
                    "description": "Pass as `cursor` for the next page; null on the last page.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_param,
                "required": False,
                "in": "query",
                "description": "The `next_cursor` of the previous page.",
                "schema": {"type": "string", "pattern": self.pattern},
            },
            {
                "name": self.size_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
