from django.core.management.base import BaseCommand

from apps.goals import rollup


class Command(BaseCommand):
    help = "Recompute every metric's and goal's progress in one pass (repair; agrees with the incremental rollup)."

    def handle(self, *args, **options):
        changed = rollup.recompute_all()
        self.stdout.write(f"Recomputed the cascade; {changed} goal(s) changed.")
