import time

from django.core.management.base import BaseCommand

from apps.reports import stored


class Command(BaseCommand):
    help = (
        "Count the alignment report's stored figures again for today, every scope of cycles (the nightly pass: "
        "staleness and health move with time; it also repairs whatever drifted)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        scopes = stored.refresh_all()
        self.stdout.write(f"Stored the report figures of {scopes} scope(s) in {time.perf_counter() - started:.1f} s.")
