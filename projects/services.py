"""Writes of the Change Order entry point."""

from django.db import transaction

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
