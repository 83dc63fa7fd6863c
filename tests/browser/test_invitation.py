"""The invitation journey in a real browser, with a real SMTP server: HR imports someone new, the invitation
arrives, the newcomer follows its link, sets a password and is in; later they sign in with it."""

import re

from playwright.sync_api import expect

from apps.org.models import Person
from tests.mailserver import smtp_server

from .helpers import log_in

__all__ = ["smtp_server"]
NEW_PASSWORD = "nordic-cascade-password-3"


def test_a_newcomer_follows_their_invitation_sets_a_password_and_signs_in(
    demo, new_page, smtp_server, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    chart = tmp_path / "people.csv"
    chart.write_text(
        "employee_id,name,email,unit_path,manager_id,role,active\n"
        "N1,Nina North,nina@example.com,Acme Corp/Sales/Nordics,,manager,yes\n",
        encoding="utf-8",
    )
    hr = new_page()
    log_in(hr, "hana")
    hr.goto("/people/import/")
    hr.get_by_label("HR file").set_input_files(str(chart))
    hr.get_by_role("button", name="Check the file").click()
    expect(hr.get_by_text("Confirming mails 1 invitation")).to_be_visible()
    hr.get_by_role("button", name="Confirm import").click()
    expect(hr.get_by_text("Invitations: 1 sent")).to_be_visible()
    screenshot(hr, "invitation-1-hr-imported")

    (mail,) = smtp_server.to("nina@example.com")
    link = re.search(r"http://\S+/accounts/invitation/\S+/", smtp_server.text(mail)).group(0)
    path = link.removeprefix(settings.SITE_URL)
    nina = new_page()
    nina.goto(path)
    expect(nina.get_by_role("heading", name="Set your password", level=1)).to_be_visible()
    nina.locator("#id_new_password1").fill(NEW_PASSWORD)
    nina.locator("#id_new_password2").fill(NEW_PASSWORD)
    nina.get_by_role("button", name="Set password and sign in").click()
    expect(nina.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(nina.get_by_text("Your password is set: welcome to GoalCascade.")).to_be_visible()
    screenshot(nina, "invitation-2-newcomer-in")

    nina.get_by_role("button", name="Log out").click()
    username = Person.objects.get(employee_id="N1").username
    log_in(nina, username, NEW_PASSWORD)
    nina.goto(path)
    expect(nina.get_by_text("This link does not work any more")).to_be_visible()
