"""The 1:1 journey (issue 13): a manager prepares a 1:1 with the coaching advice visible, adds an agenda item and
writes a private note; the report adds an item and sees the shared notes but not the private note — on a phone.
Both pages are checked with axe-core at a laptop and a phone width."""

from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.org.models import Person

from .helpers import log_in, serious_accessibility_problems

PHONE = {"width": 390, "height": 844}
PRIVATE = "Emma seems stretched thin: ask about the workload."
SHARED = "We agreed to hire two people by June."


def _coaching_profile_for(username: str) -> str | None:
    """Give the report a coaching profile where coaching profiles exist (issue 13 part 2): the advice to expect."""
    if not django_apps.is_installed("apps.recognition"):
        return None
    from apps.recognition.models import CoachingProfile

    CoachingProfile.objects.create(person=Person.objects.get(username=username), communication="direct")
    return "Direct: be concise, lead with the point."


def _no_serious_problems(page: Page) -> None:
    assert serious_accessibility_problems(page) == []


def test_a_manager_prepares_a_1_1_and_the_report_sees_the_shared_notes_but_not_the_private_note(demo, new_page):
    advice = _coaching_profile_for("emma")

    marco = new_page()
    log_in(marco, "marco")
    marco.get_by_role("navigation", name="Main").get_by_role("link", name="1:1s", exact=True).click()
    expect(marco.get_by_role("heading", name="1:1s", level=1)).to_be_visible()
    _no_serious_problems(marco)
    marco.get_by_label("With").select_option(label="Emma Employee")
    marco.get_by_label("Every (days)").fill("7")
    marco.get_by_label("First meeting").fill(timezone.localdate().isoformat())
    marco.get_by_role("button", name="Start").click()

    expect(marco.get_by_role("heading", name="1:1 with Emma Employee", level=1)).to_be_visible()
    expect(marco.get_by_role("heading", name="Prepared for you")).to_be_visible()
    if advice:
        expect(marco.get_by_text(advice)).to_be_visible()
    marco.get_by_label("Add to the agenda").fill("Hiring plan for Q3")
    marco.get_by_role("button", name="Add", exact=True).click()
    expect(marco.locator("#agenda-items")).to_contain_text("Hiring plan for Q3")
    marco.get_by_role("textbox", name="Shared notes").fill(SHARED)
    marco.get_by_role("button", name="Save shared notes").click()
    marco.get_by_label("My private note").fill(PRIVATE)
    marco.get_by_role("button", name="Save private note").click()
    expect(marco.get_by_label("My private note")).to_have_value(PRIVATE)
    _no_serious_problems(marco)

    emma = new_page(viewport=PHONE)
    log_in(emma, "emma")
    emma.goto("/one-on-ones/")
    emma.get_by_role("link", name="With Marco Manager (your manager)").click()
    expect(emma.locator("#agenda-items")).to_contain_text("Hiring plan for Q3")
    expect(emma.get_by_role("textbox", name="Shared notes")).to_have_value(SHARED)
    emma.get_by_label("Add to the agenda").fill("Training budget")
    emma.get_by_role("button", name="Add", exact=True).click()
    expect(emma.locator("#agenda-items")).to_contain_text("Training budget")
    assert PRIVATE not in emma.content()
    expect(emma.get_by_label("My private note")).to_have_value("")
    if advice:
        assert advice not in emma.content()  # the advice is for the manager preparing the 1:1
    _no_serious_problems(emma)
    width = emma.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the meeting page fits a phone without sideways scrolling"
