from django.core.management.base import BaseCommand

from apps.goals import demo


class Command(BaseCommand):
    help = "Build the demo organisation from the product brief (does nothing if it exists) and print the logins."

    def handle(self, *args, **options):
        existed = demo.demo_exists()
        demo.seed_demo()
        self.stdout.write("Demo data already present." if existed else "Demo organisation created.")
        self.stdout.write(f"Log in with any of these (password for all: {demo.DEMO_PASSWORD}):")
        for login in demo.LOGINS:
            self.stdout.write(f"  {login.role:<9} {login.username}")
