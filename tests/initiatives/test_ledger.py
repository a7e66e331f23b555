"""The budget ledger: a grant can never exceed the scheme, gebied or round budget, not even under concurrency."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from initiatives import services
from initiatives.models import Status

from .factories import budget_holder, make_application, make_scheme

S = Status


@pytest.mark.django_db
def test_grant_within_budget_succeeds_and_over_budget_is_refused():
    scheme = make_scheme(budget=Decimal("1000"))
    holder = budget_holder()
    a = make_application(scheme, status=S.ADVISED, amount=Decimal("700"))
    b = make_application(scheme, status=S.ADVISED, amount=Decimal("400"))
    services.decide(a, holder, S.GRANTED, Decimal("700"), "ok")
    with pytest.raises(services.BudgetExceeded, match="300"):
        services.decide(b, holder, S.GRANTED, Decimal("400"), "ok")
    b.refresh_from_db()
    assert b.status == S.ADVISED
    # A partial grant that fits is fine.
    services.decide(b, holder, S.PARTLY_GRANTED, Decimal("300"), "deels")


@pytest.mark.django_db
def test_gebied_budget_is_a_ceiling_of_its_own():
    scheme = make_scheme(budget=Decimal("10000"), gebied_budgets={"de-velden": Decimal("500")})
    holder = budget_holder()
    a = make_application(scheme, status=S.ADVISED, amount=Decimal("400"))
    services.decide(a, holder, S.GRANTED, Decimal("400"), "ok")
    b = make_application(scheme, status=S.ADVISED, amount=Decimal("400"))
    with pytest.raises(services.BudgetExceeded, match="De Velden"):
        services.decide(b, holder, S.GRANTED, Decimal("400"), "ok")
    other = make_application(scheme, status=S.ADVISED, amount=Decimal("400"), gebied_slug="de-monden")
    services.decide(other, holder, S.GRANTED, Decimal("400"), "ok")


@pytest.mark.django_db
def test_round_budget_is_a_ceiling_of_its_own():
    scheme = make_scheme(budget=Decimal("10000"), round_budget=Decimal("600"))
    holder = budget_holder()
    services.decide(make_application(scheme, status=S.ADVISED, amount=Decimal("500")), holder, S.GRANTED, Decimal("500"), "ok")
    with pytest.raises(services.BudgetExceeded, match="Ronde 1"):
        services.decide(make_application(scheme, status=S.ADVISED, amount=Decimal("200")), holder, S.GRANTED, Decimal("200"), "ok")


@pytest.mark.django_db
def test_no_budget_line_for_the_year_refuses_grants():
    scheme = make_scheme(budget=None)
    with pytest.raises(services.BudgetExceeded):
        services.decide(make_application(scheme, status=S.ADVISED), budget_holder(), S.GRANTED, Decimal("500"), "ok")


@pytest.mark.django_db
def test_rejected_and_withdrawn_do_not_count_and_dashboard_adds_up():
    scheme = make_scheme(budget=Decimal("1000"))
    holder = budget_holder()
    a = services.decide(make_application(scheme, status=S.ADVISED, amount=Decimal("600")), holder, S.GRANTED, Decimal("600"), "ok")
    services.decide(make_application(scheme, status=S.ADVISED, amount=Decimal("600")), holder, S.REJECTED, None, "nee")
    services.record_payment(a, holder, "advance", Decimal("250"))
    (row,) = services.budget_overview(scheme)
    assert (row.budget, row.committed, row.paid, row.remaining) == (Decimal("1000"), Decimal("600"), Decimal("250"), Decimal("400"))
    assert row.committed_percent == 60 and row.paid_percent == 25


def _decide_concurrently(apps, holders, amount):
    barrier = threading.Barrier(len(apps))
    results = [None] * len(apps)

    def work(i):
        try:
            barrier.wait()
            services.decide(apps[i], holders[i], S.GRANTED, amount, "tegelijk")
            results[i] = "ok"
        except services.BudgetExceeded:
            results[i] = "refused"
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(apps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("count,budget,amount,allowed", [(2, "1000", "600", 1), (10, "1000", "300", 3)])
def test_simultaneous_decisions_never_exceed_the_budget(count, budget, amount, allowed):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises all writes")
    scheme = make_scheme(budget=Decimal(budget))
    apps = [make_application(scheme, status=S.ADVISED, amount=Decimal(amount)) for _ in range(count)]
    holders = [budget_holder() for _ in range(count)]
    results = _decide_concurrently(apps, holders, Decimal(amount))
    assert sorted(results) == sorted(["ok"] * allowed + ["refused"] * (count - allowed)), results
    (row,) = services.budget_overview(scheme)
    assert row.committed == Decimal(amount) * allowed <= Decimal(budget)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_double_submit_gives_one_reference_and_one_event():
    """A double click arrives as two requests at the same moment: one submission, the other sees it done."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises all writes")
    app = make_application()
    clicks = 4
    barrier = threading.Barrier(clicks)
    results = [None] * clicks

    def click(i):
        try:
            barrier.wait()
            submitted, created = services.submit(app, app.applicant)
            results[i] = (submitted.reference, created)
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(clicks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    assert sorted(results, key=lambda r: not r[1]) == [(app.reference, True)] + [(app.reference, False)] * (clicks - 1), results
    assert app.events.filter(action="submit").count() == 1
