"""What proposals add to the demo: catchball under way in the APAC team (see apps.goals.demo.register_demo_extra)."""

from datetime import date

from apps.goals.models import Goal, Layer
from apps.org.models import Person

from . import services


def seed(today: date) -> None:
    """Emma proposes an operational goal under Marco's APAC goal (waiting for him); Eli's proposal came back to him
    with a question, so the first hour shows both sides of catchball."""
    people = {p.username: p for p in Person.objects.filter(username__in=("emma", "eli", "marco"))}
    apac = Goal.objects.get(title="Generate 20% of sales in APAC", layer=Layer.TRANSLATIONAL)
    services.proposal_create(
        actor=people["emma"],
        title="Run a monthly partner webinar for Singapore resellers",
        description="One hour a month with our three largest resellers: new features, a customer story, Q&A.",
        why="Resellers bring in a third of APAC deals, and they sell what they understand.",
        layer=Layer.OPERATIONAL,
        parent=apac,
        cycle=apac.cycle,
        unit=people["emma"].unit,
        metrics=[
            {"name": "Reseller-sourced pipeline", "unit": "currency", "start": 0, "target": 500, "display_unit": "$k"}
        ],
    )
    eli = services.proposal_create(
        actor=people["eli"],
        title="Translate our sales deck into Japanese",
        why="Two prospects in Tokyo asked for it in their first call.",
        layer=Layer.OPERATIONAL,
        parent=apac,
        cycle=apac.cycle,
        unit=people["eli"].unit,
    )
    services.proposal_request_changes(
        actor=people["marco"],
        proposal=eli,
        comment="Good idea — can you add how many Japanese prospects it should reach this quarter?",
    )
