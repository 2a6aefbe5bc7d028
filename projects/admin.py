"""Staff face for Change Order projects."""

from django.contrib import admin

from projects.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "account", "type", "status", "created_by", "created_at", "closed_at"]
    list_filter = ["status", "type", "partner"]
    search_fields = ["title", "account__name", "partner__name"]
    list_select_related = ["partner", "account", "created_by"]
    readonly_fields = ["partner", "account", "title", "type", "status", "created_by", "created_at", "closed_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        # Projects are opened by partners (Change Order); staff look and follow them.
        return False
