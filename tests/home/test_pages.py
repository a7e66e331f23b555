import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import ContentPage, FormField, FormPage, HomePage, contrast_ratio, validate_theme_colour
from tests.factories import UserFactory, add_page, make_content_page

pytestmark = pytest.mark.django_db


def test_home_page_only_lives_at_the_tree_root():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert HomePage.can_create_at(Page.get_first_root_node())


def test_content_and_form_pages_live_under_home_or_content(home_page):
    assert ContentPage.can_create_at(home_page)
    assert FormPage.can_create_at(home_page)
    content = make_content_page(home_page)
    assert ContentPage.can_create_at(content)
    assert not HomePage.can_create_at(home_page)
    assert FormPage.allowed_subpage_models() == []


def test_every_page_type_renders(client, home_page):
    content = make_content_page(
        home_page,
        body=[
            ("heading", {"text": "Kopje", "level": "h2"}),
            ("paragraph", "<p>Tekst</p>"),
            ("accordion", {"title": "Vragen", "items": [{"question": "Wat?", "answer": "<p>Dit.</p>"}]}),
            ("contact", {"name": "Loket", "phone": "14 0591", "email": "a@b.nl", "address": "", "opening_hours": ""}),
            ("call_to_action", {"text": "Ga verder", "page": home_page, "url": "", "description": ""}),
            ("table", {"caption": "Cijfers", "table": {"data": [["Jaar", "Aantal"], ["2024", "12"]], "first_row_is_table_header": True, "first_col_is_header": False}}),
        ],
    )
    form = add_page(home_page, FormPage(title="Contact", slug="contact"))
    FormField(page=form, label="Uw naam", field_type="singleline", required=True).save()
    for page in (home_page, content, form):
        response = client.get(page.url)
        assert response.status_code == 200, page
        assert page.title.encode() in response.content
    body = client.get(content.url).content.decode()
    assert "<details" in body and "<caption" in body and 'href="tel:1405' in body


def test_editor_creates_a_content_page_through_the_admin(client, home_page):
    editor = UserFactory(username="redacteur", groups=["Redacteur"])
    client.force_login(editor)
    url = f"/admin/pages/add/home/contentpage/{home_page.pk}/"
    assert client.get(url).status_code == 200
    data = nested_form_data(
        {
            "title": "Schuldhulp",
            "slug": "schuldhulp",
            "introduction": "Hulp bij schulden.",
            "body": streamfield([("paragraph", rich_text("<p>Bel ons.</p>"))]),
            "action-publish": "publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    page = ContentPage.objects.get(slug="schuldhulp")
    assert page.live
    assert client.get(page.url).status_code == 200


def test_contact_form_mails_staff_and_thanks_the_resident(client, home_page, mailoutbox, settings):
    form = add_page(home_page, FormPage(title="Contact", slug="contact", subject="Vraag", from_address="noreply@x.nl"))
    FormField(page=form, label="Uw vraag", field_type="multiline", required=True).save()
    assert form.to_address == settings.STAFF_EMAIL
    response = client.post(form.url, {"uw_vraag": "Waar is het wijkcentrum?"})
    assert response.status_code == 200
    assert len(mailoutbox) == 1 and "wijkcentrum" in mailoutbox[0].body
    assert form.get_submission_class().objects.filter(page=form).count() == 1


def test_contact_form_keeps_input_and_says_what_is_missing(client, home_page):
    form = add_page(home_page, FormPage(title="Contact", slug="contact"))
    FormField(page=form, label="Uw naam", field_type="singleline", required=True).save()
    FormField(page=form, label="Uw vraag", field_type="multiline", required=True).save()
    response = client.post(form.url, {"uw_vraag": "Mijn vraag blijft staan"})
    body = response.content.decode()
    assert "Mijn vraag blijft staan" in body
    assert 'role="alert"' in body and 'aria-invalid="true"' in body


def test_theme_colour_must_keep_white_text_readable():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    validate_theme_colour("#004b87")
    with pytest.raises(Exception):
        validate_theme_colour("#ffff00")
    with pytest.raises(Exception):
        validate_theme_colour("blue; } body { display:none")
