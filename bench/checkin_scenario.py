"""The weekly check-in scenario, shared by the browser test (tests/browser/test_weekly_checkin.py) and the benchmark
(bench/checkin_actions.py): one person with 5 goals × 2 metrics and 1 goal without metrics, checking in on all of
them from the home page with the keyboard, every action counted.

Counting (the issue's rule): a click, a Tab or an Enter is one action; each typed character is one keystroke.
Human time is 2 s per action plus 0.3 s per keystroke. Targets: at most 15 actions and under 120 s.
"""

from dataclasses import dataclass, field

SECONDS_PER_ACTION = 2.0
SECONDS_PER_KEYSTROKE = 0.3
MAX_ACTIONS = 15
MAX_SECONDS = 120.0
USERNAME = "wendy"
PASSWORD = "weekly-check-in-password-1"
METRIC_GOALS = 5
METRICS_EACH = 2

# What Wendy does on each metric row, in page order: a new value to type, or None (unchanged: "same as last week").
# Three goals moved this week, two did not; the goal without metrics gets its progress typed.
NEW_VALUES = ["12", "40", "7", "55", "3", "80", None, None, None, None]
MANUAL_PROGRESS = "40"


def build_scenario() -> dict:
    """Wendy, her unit and an active cycle, her 5 goals with 2 metrics each and 1 goal without, through the services."""
    from datetime import date

    from apps.cycles.models import Cycle
    from apps.goals import services
    from apps.goals.models import GoalStatus, Layer
    from apps.org import services as org
    from apps.org.models import Person

    unit = org.unit_create(actor=None, name="Weekly team", kind="team")
    wendy = org.person_create(
        actor=None, username=USERNAME, password=PASSWORD, name="Wendy Weekly", role=Person.Role.EMPLOYEE, unit=unit
    )
    today = date.today()
    cycle = Cycle.objects.create(
        name=f"Weekly {today.year}", start=date(today.year, 1, 1), end=date(today.year, 12, 31), status="active"
    )
    common = {"actor": wendy, "layer": Layer.PERSONAL, "cycle": cycle, "unit": unit, "owner": wendy}
    goals = []
    for g in range(METRIC_GOALS):
        goal = services.goal_create(title=f"Goal {g + 1}", status=GoalStatus.ACTIVE, **common)
        for m in range(METRICS_EACH):
            services.metric_create(actor=wendy, goal=goal, name=f"Metric {g + 1}.{m + 1}", start=0, target=100)
        goals.append(goal)
    manual = services.goal_create(title="Goal without metrics", status=GoalStatus.ACTIVE, **common)
    return {"person": wendy, "goals": goals, "manual": manual, "cycle": cycle}


@dataclass
class Counter:
    """Drives a Playwright page the way a person would, counting what they do."""

    page: object
    actions: int = 0
    keystrokes: int = 0
    log: list[str] = field(default_factory=list)

    def click(self, locator, what: str) -> None:
        locator.click()
        self.actions += 1
        self.log.append(f"click {what}")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.actions += 1
        self.log.append(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keystrokes += len(text)
        self.log.append(f"type {text!r}")

    @property
    def human_seconds(self) -> float:
        return round(self.actions * SECONDS_PER_ACTION + self.keystrokes * SECONDS_PER_KEYSTROKE, 1)

    def summary(self) -> dict:
        return {
            "actions": self.actions,
            "keystrokes": self.keystrokes,
            "human_seconds": self.human_seconds,
            "max_actions": MAX_ACTIONS,
            "max_seconds": MAX_SECONDS,
            "passes": self.actions <= MAX_ACTIONS and self.human_seconds < MAX_SECONDS,
            "steps": self.log,
        }


def check_in_on_everything(page, counter: Counter) -> None:
    """From the home page: open the weekly check-in, go through every row with the keyboard, submit once.

    The page opens with the focus in the first row's value, which is selected, so typing replaces it; Enter keeps a
    row (ticking "Same as last week" when nothing changed) and moves on; after the last row Enter submits.
    """
    counter.click(page.get_by_role("link", name="Check in on everything"), "Check in on everything")
    page.wait_for_selector("#weekly-submit")
    for value in NEW_VALUES:
        if value is not None:
            counter.type(value)
        counter.press("Enter")
    counter.type(MANUAL_PROGRESS)
    counter.press("Enter")  # the last row: the focus moves to the submit button
    counter.press("Enter")  # submit
