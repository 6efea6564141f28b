"""Admin for rows that services alone write (ledger, events, logs): staff read them, never add, edit or delete."""

from __future__ import annotations


class ReadOnlyMixin:
    """Put before admin.ModelAdmin or an inline class: the signatures fit both."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
