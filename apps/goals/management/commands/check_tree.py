from django.core.management.base import BaseCommand, CommandError

from apps.goals import tree


class Command(BaseCommand):
    help = "Compare the goal tree's stored nested-set fields with its parent links; --repair rebuilds them."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="rebuild the trees when drift is found")

    def handle(self, *args, repair: bool = False, **options):
        if repair:
            found = tree.repair()
            self.stdout.write(f"{found} drifting field(s) found; trees rebuilt." if found else "No drift.")
            return
        drift = tree.find_drift()
        for item in drift[:50]:
            self.stdout.write(f"goal {item.goal_id}: {item.field} is {item.stored}, expected {item.expected}")
        if drift:
            raise CommandError(f"{len(drift)} drifting field(s); run with --repair to rebuild.")
        self.stdout.write("No drift.")
