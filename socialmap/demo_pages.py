"""Demo: the 'Sociale kaart' page under the home page. Idempotent: an existing page is left alone."""

from .models import SocialMapPage

TITLE = "Sociale kaart"
SLUG = "sociale-kaart"
INTRODUCTION = (
    "Zoek hulp en activiteiten bij u in de buurt: van een inloop in uw wijk tot hulp bij geldzaken. "
    "Vul in waar u hulp bij zoekt, of kies een onderwerp."
)


def load(home, stdout=None):
    existing = SocialMapPage.objects.descendant_of(home).first()
    if existing:
        return existing
    page = SocialMapPage(title=TITLE, slug=SLUG, introduction=INTRODUCTION, show_in_menus=True,
                         search_description="De sociale kaart: hulp, zorg en activiteiten in de gemeente bij u in de buurt.")
    home.add_child(instance=page)
    page.save_revision().publish()
    if stdout is not None:
        stdout.write(f"Social map page: {page.url}")
    return page
