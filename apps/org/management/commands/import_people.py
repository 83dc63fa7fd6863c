"""`manage.py import_people FILE [--dry-run] [--actor USERNAME]`: the HR file import from a shell or a cron job."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from apps.org import importing
from apps.org.models import Person


class Command(BaseCommand):
    help = (
        "Import people from an HR file (CSV or XLSX): adds and updates people, creates missing units, "
        "deactivates people with an employee id who are not in the file. A file with any problem changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV (UTF-8) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check and report what would change; write nothing")
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="who the change history names (HR or admin); without it the import runs as the system",
        )
        parser.add_argument(
            "--no-invitations",
            action="store_true",
            help="do not mail the new people their invitation (HR can send them later from the import page)",
        )

    def handle(self, *args, file: Path, dry_run: bool = False, actor: str | None = None, **options):
        data = _read(file)
        invite = not options.get("no_invitations", False)
        try:
            plan = importing.import_people(
                actor=_actor(actor), data=data, filename=file.name, dry_run=dry_run, invite=invite
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        for warning in plan.warnings:
            self.stderr.write(f"warning: {warning}")
        if plan.problems:
            for problem in plan.problems:
                self.stdout.write(str(problem))
            raise CommandError(f"{len(plan.problems)} problem(s) in {file.name}; nothing was imported.")
        prefix = "Dry run, nothing written. Would be: " if dry_run else "Imported: "
        self.stdout.write(prefix + plan.summary())


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from None


def _actor(username: str | None) -> Person | None:
    if username is None:
        return None
    try:
        return Person.objects.get(username=username, is_active=True)
    except Person.DoesNotExist:
        raise CommandError(f"No active person has the username {username!r}.") from None
