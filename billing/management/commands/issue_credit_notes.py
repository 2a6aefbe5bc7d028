"""Run the credit note sweep by hand: issue every scheduled note, flag overdue notes, finish missing PDFs."""

import json

from django.core.management.base import BaseCommand

from billing.services.credit_notes import credit_notes_issue_due


class Command(BaseCommand):
    help = "Issue every scheduled credit note now, flag overdue ones and render missing PDFs."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        # The sweep opens each note's partner scope itself (see credit_notes_issue_due). By hand, every
        # scheduled note is issued now: the clerk asked for it, no task is left to wait for.
        report = credit_notes_issue_due(include_fresh=True)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        self.stdout.write(f"Issued: {len(report.issued)} {' '.join(report.issued)}".rstrip())
        self.stdout.write(f"PDFs rendered: {len(report.pdfs_rendered)} {' '.join(report.pdfs_rendered)}".rstrip())
        self.stdout.write(f"Emailed: {len(report.emailed)}")
        self.stdout.write(f"Overdue (flagged): {len(report.overdue)}")
        for credit_note_id, error in report.failed:
            self.stderr.write(f"Failed: credit note #{credit_note_id}: {error}")
        if not report.failed:
            self.stdout.write(self.style.SUCCESS("Done."))
