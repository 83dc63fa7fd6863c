"""`manage.py import_people FILE [--dry-run] [--actor USERNAME] [--confirm-deactivations N] [--allow-new-root]`:
the HR file import from a shell or a cron job, under the same safety rules as the page and the API
(apps.org.importing.safety)."""

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
            "--confirm-deactivations",
            type=int,
            metavar="N",
            help="the number of people the import deactivates: needed when that is more than 10%% of the active "
            "people with an employee id (a dry run tells it)",
        )
        parser.add_argument(
            "--allow-new-root",
            action="store_true",
            help="let unit paths start with a new top unit beside the existing ones (otherwise a problem)",
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
                actor=_actor(actor),
                data=data,
                filename=file.name,
                dry_run=dry_run,
                invite=invite,
                confirm_deactivations=options.get("confirm_deactivations"),
                allow_new_root=options.get("allow_new_root", False),
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        for warning in plan.warnings:
            self.stderr.write(f"warning: {warning}")
        if plan.problems:
            for problem in plan.problems:
                self.stdout.write(str(problem))
            if plan.problems[0].column == importing.CONFIRM_FIELD:
                count = len(plan.deactivations)
                raise CommandError(f"Nothing was imported: to import {file.name}, add --confirm-deactivations {count}.")
            raise CommandError(f"{len(plan.problems)} problem(s) in {file.name}; nothing was imported.")
        prefix = "Dry run, nothing written. Would be: " if dry_run else "Imported: "
        self.stdout.write(prefix + plan.summary())
        if dry_run and plan.confirmation_count is not None:
            self.stdout.write(
                f"To import it, confirm the deactivations: --confirm-deactivations {plan.confirmation_count}."
            )


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
