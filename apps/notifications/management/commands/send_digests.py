"""Run the digest job by hand: what the hourly beat runs (apps.notifications.digests.digest_job_run)."""

from django.core.management.base import BaseCommand

from apps.notifications import digests


class Command(BaseCommand):
    help = (
        "Scan for due check-ins and off-track goals, then mail the digests whose local morning it is. "
        "--now mails everyone's digest for their current day or week without waiting for their morning; quiet "
        "hours still hold, and nobody gets two digests for one period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="do not wait for each person's local morning")

    def handle(self, *args, now: bool = False, **options):
        counts = digests.digest_job_run(ignore_window=now)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
