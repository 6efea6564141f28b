"""Cursor (keyset) pagination: the next page starts after the last row's sort key, never at an OFFSET.

Page 1 and page 400 of a 10 000-invoice account cost the same: one indexed range scan of `page_size`
rows (bench/api_invoices.py). The cursor is opaque to clients (URL-safe base64 of the last row's key);
a cursor that doesn't decode is a 400.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Sequence

from django.db.models import F, Q, QuerySet
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class KeysetPagination(BasePagination):
    """Rows in descending `ordering`, the last field unique: e.g. (("issue_date", date), ("id", int))."""

    ordering: Sequence[tuple[str, type]] = (("id", int),)
    cursor_param = "cursor"
    size_param = "page_size"

    def __init__(self, ordering: Sequence[tuple[str, type]] | None = None):
        if ordering is not None:
            self.ordering = tuple(ordering)
        self.fields = [field for field, _kind in self.ordering]

    @staticmethod
    def _parse(value, kind: type):
        if kind is int:
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
                return value
            raise ValueError(value)
        if not isinstance(value, str):
            raise ValueError(value)
        if kind is datetime.datetime:
            parsed = datetime.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError(value)
            return parsed
        return datetime.date.fromisoformat(value)

    def _decode(self, raw: str) -> list:
        try:
            padded = raw + "=" * (-len(raw) % 4)
            values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        except (ValueError, binascii.Error, UnicodeError):
            values = None
        if not isinstance(values, list) or len(values) != len(self.ordering):
            raise serializers.ValidationError({self.cursor_param: ["This cursor is not valid."]})
        try:
            return [
                self._parse(value, kind) for value, (_field, kind) in zip(values, self.ordering, strict=True)
            ]
        except (ValueError, TypeError, OverflowError):
            raise serializers.ValidationError({self.cursor_param: ["This cursor is not valid."]}) from None

    @staticmethod
    def _encode(values: list) -> str:
        text = json.dumps(values, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def _key_of(self, row) -> list:
        key = []
        for field in self.fields:
            value = getattr(row, field)
            key.append(value.isoformat() if isinstance(value, datetime.date) else value)
        return key

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
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise serializers.ValidationError(
                {self.size_param: [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return size

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        size = self.page_size(request)
        raw = request.query_params.get(self.cursor_param)
        if raw:
            queryset = queryset.filter(self._after(self._decode(raw)))
        rows = list(queryset.order_by(*[F(field).desc() for field in self.fields])[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.next_cursor = self._encode(self._key_of(rows[-1])) if self.has_next and rows else None
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
                "next_cursor": {"type": "string", "nullable": True, "description": "Pass as `cursor`."},
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
                "schema": {"type": "string"},
            },
            {
                "name": self.size_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
