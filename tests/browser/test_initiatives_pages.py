"""Browser tests (Chromium + axe-core) for initiatives: the whole application journey, from creating an account
to the receipt, with no WCAG 2.1 A/AA violations on any step; and the public scheme and funded pages."""

import re

import pytest
from django.core import mail

from initiatives.models import Application, BudgetSchemePage, Status

# The demo content (tests/conftest.py: demo_server) is shared by every browser test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save_and_continue(page):
    page.get_by_role("button", name="Opslaan en verder").click()
    page.wait_for_load_state()


def test_scheme_index_and_scheme_page_have_no_axe_violations(site, browser_page, assert_accessible):
    browser_page.goto(site + "/initiatieven/regelingen/")
    assert_accessible(browser_page)
    scheme = BudgetSchemePage.objects.get(slug="werkbudget-informele-zorg")
    browser_page.goto(site + scheme.url)
    assert "150" in browser_page.content() or browser_page.get_by_role("link", name="Nu aanvragen").is_visible()
    assert_accessible(browser_page)


def test_funded_list_has_no_axe_violations(site, browser_page, assert_accessible):
    browser_page.goto(site + "/gesteunde-initiatieven/")
    assert browser_page.get_by_role("heading", name="Samen bewegen in Emmerhout").is_visible()
    assert_accessible(browser_page)
    browser_page.goto(site + "/gesteunde-initiatieven/emmen-oost/")
    assert_accessible(browser_page)


def test_whole_application_journey_is_accessible(site, browser_page, assert_accessible):
    page = browser_page
    scheme = BudgetSchemePage.objects.get(slug="werkbudget-informele-zorg")
    page.goto(site + scheme.url)
    page.get_by_role("link", name="Nu aanvragen").click()
    page.wait_for_url("**/account/inloggen/**")
    assert_accessible(page)
    page.get_by_role("link", name="Account maken").first.click()
    assert_accessible(page)

    # A mistake first: the form comes back with an error summary and keeps the email address.
    page.locator("#id_email").fill("inwoner@example.nl")
    page.locator("#id_password1").fill("Lange-wachtzin-42")
    page.locator("#id_password2").fill("iets anders")
    page.get_by_role("button", name="Account maken").click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#id_email").input_value() == "inwoner@example.nl"
    assert_accessible(page)
    page.locator("#id_password1").fill("Lange-wachtzin-42")
    page.locator("#id_password2").fill("Lange-wachtzin-42")
    page.get_by_role("button", name="Account maken").click()
    assert page.get_by_role("heading", name="Kijk in uw e-mail").is_visible()
    assert_accessible(page)

    link = re.search(r"https?://\S+/account/bevestigen/\S+/", mail.outbox[-1].body).group(0)
    page.goto(site + "/account/" + link.split("/account/", 1)[1])  # the mail names WAGTAILADMIN_BASE_URL's host
    page.wait_for_url("**/aanvragen/")
    assert_accessible(page)

    page.goto(site + scheme.url)
    page.get_by_role("link", name="Nu aanvragen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Begin uw aanvraag").click()

    # Step 1: about you.
    page.wait_for_url("**/stap/about/")
    assert_accessible(page)
    page.get_by_label("Inwoner of groep inwoners").check()
    page.locator("#id_contact_name").fill("Anna de Vries")
    save_and_continue(page)

    # Step 2: the plan, with an amount that is too high first.
    assert_accessible(page)
    page.locator("#id_title").fill("Wandelgroep De Velden")
    page.locator("#id_what").fill("Elke week samen wandelen.")
    page.locator("#id_who").fill("Ouderen uit het dorp.")
    page.locator("#id_where_when").fill("Vanaf het dorpshuis, elke dinsdag.")
    page.locator("#id_goal").fill("Twintig mensen wandelen mee en drinken daarna koffie.")
    page.locator("#id_amount_requested").fill("999999")
    page.get_by_label("Ja").check()
    save_and_continue(page)
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#id_title").input_value() == "Wandelgroep De Velden"
    assert_accessible(page)
    page.locator("#id_amount_requested").fill("800")
    save_and_continue(page)

    # Step 3: budget lines that do not add up, then do.
    page.wait_for_url("**/stap/budget/")
    assert_accessible(page)
    page.locator("#id_lines-0-description").fill("Koffie en thee")
    page.locator("#id_lines-0-amount").fill("300")
    page.locator("#id_lines-1-description").fill("Routeboekjes")
    page.locator("#id_lines-1-amount").fill("100")
    save_and_continue(page)
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.locator("#id_lines-1-amount").fill("500")
    save_and_continue(page)

    # Step 4: area.
    page.wait_for_url("**/stap/area/")
    assert_accessible(page)
    page.locator("#id_gebied").select_option(label="De Velden")
    save_and_continue(page)

    # Step 5: attachments; a disguised file is refused, a real PDF is accepted.
    page.wait_for_url("**/stap/attachments/")
    assert_accessible(page)
    page.locator("#id_file").set_input_files({"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"<html>nep</html>"})
    page.get_by_role("button", name="Bestand toevoegen").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.locator("#id_file").set_input_files({"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Bestand toevoegen").click()
    assert page.get_by_role("link", name="plan.pdf").is_visible()
    assert_accessible(page)
    save_and_continue(page)

    # Step 6: bank account and publication.
    page.wait_for_url("**/stap/payment/")
    assert_accessible(page)
    page.locator("#id_iban").fill("NL91 ABNA 0417 1643 00")
    page.locator("#id_account_holder").fill("Wandelgroep De Velden")
    page.locator("#id_publish_consent").check()
    page.locator("#id_public_summary").fill("Elke dinsdag wandelen ouderen samen door het dorp.")
    save_and_continue(page)

    # Step 7: check and submit.
    page.wait_for_url("**/stap/check/")
    assert "ABNA" not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Aanvraag indienen").click()
    page.wait_for_url("**/ontvangen/")
    app = Application.objects.get(title="Wandelgroep De Velden")
    assert app.status == Status.SUBMITTED
    assert page.get_by_text(app.reference).is_visible()
    assert any(app.reference in m.subject for m in mail.outbox)
    assert_accessible(page)

    page.get_by_role("link", name="Volg uw aanvraag").click()
    assert_accessible(page)
