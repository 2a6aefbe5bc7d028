"""The email that carries an issued credit note to the partner's admin users."""

from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage

from accounts.models import Partner, User, UserRole
from billing.pdf import snapshot_locale
from core.locale import format_date, format_money


def credit_note_recipients(*, partner: Partner) -> list[str]:
    """The partner's active admin users that have an email address."""
    emails = (
        User.objects.filter(partner=partner, role=UserRole.ADMIN, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(emails))


def credit_note_email_build(*, snapshot: dict, recipients: list[str], pdf: bytes) -> EmailMessage:
    """Subject, a short body with the figures, and the PDF attached."""
    language = snapshot.get("language", "en")
    number = snapshot["number"]
    with snapshot_locale(snapshot):
        total = format_money(Decimal(snapshot["total"]), snapshot["currency"])
        issue_date = format_date(snapshot["issue_date"])
    vendor = settings.VENDOR["name"]
    if language.startswith("it"):
        subject = f"{vendor}: nota di credito {number}"
        body = (
            f"Gentile partner,\n\nin allegato la nota di credito {number} del {issue_date} "
            f"per l'ordine {snapshot['order']['number']} (cliente cedente {snapshot['giving_account']['name']}), "
            f"totale {total}.\n\n{vendor}\n"
        )
    else:
        subject = f"{vendor}: credit note {number}"
        body = (
            f"Dear partner,\n\nPlease find attached credit note {number} dated {issue_date} "
            f"for order {snapshot['order']['number']} (giving account {snapshot['giving_account']['name']}), "
            f"total {total}.\n\n{vendor}\n"
        )
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
    message.attach(f"{number}.pdf", pdf, "application/pdf")
    return message
