import sys
import time

from django.core.management.base import BaseCommand, CommandError

from core.tenancy import vendor_scope
from portfolio.demo import DEFAULT_DEVICES, demo_load, demo_present
from portfolio.exceptions import PortfolioInvalid


class ProgressBar:
    """A one-line text bar on stderr, redrawn in place: `devices  [#######.....]  42000/100000`."""

    def __init__(self, stream, width: int = 30):
        self.stream = stream
        self.width = width

    def __call__(self, label: str, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{label:<14} [{'#' * filled}{'.' * (self.width - filled)}] {done:>7}/{total}{end}")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Load the demo partners, users, catalogue, customers and devices; on a database that has them, "
            "add only what is missing (idempotent, keeps what partners did).")

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, default=DEFAULT_DEVICES,
                            help=f"generated devices, split over the two partners (default {DEFAULT_DEVICES})")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, devices: int, no_progress: bool, **options):
        if devices < 0:
            raise CommandError("--devices must not be negative")
        started = time.monotonic()
        progress = None if no_progress else ProgressBar(sys.stderr)
        try:
            # The demo spans both partners: the command acts as the vendor.
            with vendor_scope():
                present = demo_present()
                report = demo_load(devices=devices, progress=progress)
        except PortfolioInvalid as exc:  # the demo data is a bug if this happens: say exactly where
            if progress:
                self.stderr.write("")  # end the progress bar's line
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(exc.message) from exc
        if present:
            self.stdout.write(f"the demo is already loaded ({', '.join(present)}): only what it lacked was added, "
                              "nothing stored was changed")
        for line in report.lines():
            self.stdout.write(line)
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.seconds.items())
        self.stdout.write(f"demo loaded in {time.monotonic() - started:.1f}s ({phases})")
