import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from core.tenancy import vendor_scope
from portfolio.exceptions import PortfolioInvalid
from portfolio.services import portfolio_import


class Command(BaseCommand):
    help = "Import an installed base (partners, users, products, accounts, PBXs, devices) from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the portfolio file, see docs/import-format.md")

    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"$: {file} is not valid JSON ({exc}); nothing was imported") from exc
        try:
            # The import writes every partner's rows: the command acts as the vendor.
            with vendor_scope():
                report = portfolio_import(data=data)
        except PortfolioInvalid as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(exc.message) from exc
        except IntegrityError as exc:  # another writer got there between validation and write
            raise CommandError(f"the database changed during the import; nothing was imported ({exc})") from exc
        for line in report.lines():
            self.stdout.write(line)
