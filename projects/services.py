"""Writes of the Change Order entry point."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Account, User
from core.errors import NotFound
from projects.exceptions import AccountNotEligible
from projects.models import Project, ProjectType

TITLE_SUFFIX = " - Change Order"


@transaction.atomic
def project_create_change_order(*, user: User, account: Account) -> Project:
    """Open a Change Order project for the account that will receive the devices."""
    if user.partner_id is None:
        raise AccountNotEligible("Only a partner user can start a Change Order.")
    if account.partner_id != user.partner_id:
        raise NotFound("Account not found.")
    title = f"{account.name}{TITLE_SUFFIX}"
    return Project.objects.create(
        partner_id=account.partner_id, account=account, title=title[:255], type=ProjectType.CHANGE_ORDER,
        created_by=user,
    )


@transaction.atomic
def project_close(*, project: Project, at: dt.datetime | None = None) -> Project:
    """Close the project once its change is booked (an order confirmed); a closed project stays as it is.

    The row is locked and re-read, so two confirmations on one project close it once, with the first
    one's time. A project's later orders may still be confirmed: closing only stops new quotes.
    """
    locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if can_proceed(locked.close):
        locked.close()
        locked.closed_at = at or timezone.now()
        locked.save(update_fields=["status", "closed_at"])
    return locked
