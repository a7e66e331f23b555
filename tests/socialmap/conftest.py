import pytest

from tests.socialmap.factories import make_social_map_page


@pytest.fixture
def map_page(home_page):
    return make_social_map_page(home_page)
