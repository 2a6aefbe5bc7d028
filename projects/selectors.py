"""Reads a partner can trigger about its projects."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Partner
from projects.models import Project

PROJECT_ORDERINGS = {"title", "-title", "created_at", "-created_at", "account__name", "-account__name"}


def project_list(
    *, partner: Partner, search: str = "", status: str = "", account_id: int | None = None,
    ordering: str = "-created_at",
) -> QuerySet[Project]:
    """The partner's projects with their account, creator and quote count (one query)."""
    qs = (
        Project.objects.filter(partner=partner)
        .select_related("account", "created_by")
        .annotate(quote_count=Count("quotes"))
    )
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(account__name__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if ordering not in PROJECT_ORDERINGS:
        ordering = "-created_at"
    return qs.order_by(ordering, "-id")


def project_get(*, partner: Partner, project_id: int) -> Project:
    """The partner's project; another partner's id is a 404."""
    qs = Project.objects.filter(partner=partner).select_related("account", "created_by", "partner")
    return get_object_or_404(qs, pk=project_id)
