"""What templates add to the demo: one ready to assign (see apps.goals.demo.register_demo_extra)."""

from datetime import date

from apps.goals.models import Layer
from apps.org.models import Person

from . import services


def seed(today: date) -> None:
    """Marco keeps a template for the goal every new APAC sales person starts with."""
    services.template_create(
        actor=Person.objects.get(username="marco"),
        title="Build my first-quarter pipeline",
        description="Every new sales person's first goal: meet the accounts, qualify, and open real opportunities.",
        layer=Layer.PERSONAL,
        metrics=[
            {"name": "Accounts met", "unit": "number", "start": 0, "target": 20, "display_unit": "accounts"},
            {"name": "Qualified pipeline", "unit": "currency", "start": 0, "target": 750, "display_unit": "$k"},
        ],
    )
