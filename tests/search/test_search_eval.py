"""manage.py search_eval on a tiny set written the way SPEC.md describes."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def service(name, description, lat, lng, levensdomein):
    sid = str(uuid.uuid5(uuid.NAMESPACE_URL, name))
    loc = str(uuid.uuid5(uuid.NAMESPACE_URL, name + "loc"))
    return {
        "id": sid, "name": name, "description": description, "status": "active",
        "organization": {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, name + "org")), "name": f"Org {name}", "description": ""},
        "service_at_locations": [{
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name + "sal")), "service_id": sid, "location_id": loc,
            "location": {"id": loc, "name": f"Gebouw {name}", "location_type": "physical", "latitude": lat, "longitude": lng,
                         "addresses": [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, name + "adr")), "location_id": loc, "address_1": "Straat 1",
                                        "city": "Emmen", "postal_code": "7811 AB", "state_province": "Drenthe", "country": "NL", "address_type": "physical"}]},
        }],
        "attributes": [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, name + "attr")),
                        "taxonomy_term": {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, levensdomein)), "code": levensdomein, "name": levensdomein, "description": f"Levensdomein {levensdomein}", "taxonomy": "levensdomein"}}],
    }


@pytest.fixture
def eval_set(tmp_path):
    services = [
        service("Voedselbank Emmen", "Elke week een voedselpakket voor mensen met weinig geld.", 52.785, 6.897, "geld-schulden"),
        service("Schuldhulpverlening", "Hulp bij schulden en betalingsachterstanden.", 52.786, 6.89, "geld-schulden"),
        service("Wijkverpleging", "Verpleging en verzorging bij u thuis.", 52.79, 6.94, "zorg-gezondheid"),
    ]
    ids = {s["name"]: s["id"] for s in services}
    queries = [
        {"q": "voedsel bank", "relevant": {ids["Voedselbank Emmen"]: 2}, "why": "split compound"},
        {"q": "schulden", "relevant": {ids["Schuldhulpverlening"]: 2, ids["Voedselbank Emmen"]: 1}, "why": "word"},
        {"q": "verpleging", "relevant": {ids["Wijkverpleging"]: 2}, "near": {"lat": 52.79, "lng": 6.94}, "filters": {"levensdomein": ["zorg-gezondheid"]}, "why": "near"},
        {"q": "tandarts", "relevant": {}, "why": "zero"},
    ]
    (tmp_path / "facilities.json").write_text(json.dumps(services))
    (tmp_path / "queries.json").write_text(json.dumps(queries))
    return tmp_path


def test_search_eval_prints_json_metrics(eval_set, capsys):
    call_command("search_eval", str(eval_set), "--json", "--use-current-database")
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"recall_at_5", "mrr_at_10", "ndcg_at_10", "zero_result_rate", "queries"}
    assert out["zero_result_rate"] == pytest.approx(0.25)
    assert out["mrr_at_10"] == pytest.approx(1.0)
    assert [q["zero_results"] for q in out["queries"]] == [False, False, False, True]


def test_search_eval_verbose_lists_each_query(eval_set, capsys):
    call_command("search_eval", str(eval_set), "--verbose", "--use-current-database")
    out = capsys.readouterr().out
    assert "Q 'voedsel bank'" in out and "recall@5" in out and "nDCG@10" in out


def test_search_eval_refuses_a_database_with_facilities(eval_set):
    from tests.search.factories import make_facility

    make_facility("Bestaand", "Al aanwezig.")
    with pytest.raises(CommandError):
        call_command("search_eval", str(eval_set), "--use-current-database")
