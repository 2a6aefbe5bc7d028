"""Staff face for the shared plumbing, and admin helpers the apps reuse."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from core.models import IdempotencyKey, Sequence


class EstimatedCountPaginator(Paginator):
    """Count an unfiltered large table from PostgreSQL's statistics instead of scanning it.

    A filtered or searched list, a small table, a table never analysed, or another database
    gets the exact count.
    """

    estimate_above = 50_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where:
            estimate = self._estimated_rows(queryset)
            if estimate is not None and estimate > self.estimate_above:
                return estimate
        return super().count

    @staticmethod
    def _estimated_rows(queryset) -> int | None:
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [queryset.model._meta.db_table]
            )
            row = cursor.fetchone()
        # reltuples is -1 (PostgreSQL 14+) or 0 until the table has been analysed.
        return int(row[0]) if row and row[0] > 0 else None


class LargeTableAdminMixin:
    """For tables with millions of rows: never count them whole."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


class ReadOnlyAdminMixin:
    """Records staff may look at but never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["key", "user", "endpoint", "response_status", "created_at", "completed_at"]
    list_filter = ["response_status"]
    search_fields = ["key", "endpoint", "user__username"]
    list_select_related = ["user"]


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "last_number"]
    search_fields = ["key"]
    ordering = ["key"]
