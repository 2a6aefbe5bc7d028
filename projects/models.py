"""Projects: the Change Order entry point."""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition
from django_scopes import ScopedManager

from accounts.models import Account, Partner


class ProjectType(models.TextChoices):
    CHANGE_ORDER = "change_order", "Change Order"


class ProjectStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Project(FSMModelMixin, models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="projects")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=255)
    type = models.CharField(max_length=16, choices=ProjectType.choices, default=ProjectType.CHANGE_ORDER)
    status = FSMField(default=ProjectStatus.OPEN, choices=ProjectStatus.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(partner="partner")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "status", "created_at"], name="project_partner_status_idx"),
            models.Index(fields=["partner", "account"], name="project_partner_account_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @transition(field=status, source=ProjectStatus.OPEN, target=ProjectStatus.CLOSED)
    def close(self) -> None:
        pass
