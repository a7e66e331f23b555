"""The application state machine: every transition, who may do it, and the audit trail it leaves."""

from decimal import Decimal

import pytest

from initiatives import services
from initiatives.models import ApplicationEvent, Status
from tests.factories import UserFactory

from .factories import budget_holder, make_application, make_scheme, reviewer

pytestmark = pytest.mark.django_db
S = Status


def test_transition_table_names_every_state():
    reachable = {S.DRAFT} | {target for _s, target, _r in services.TRANSITIONS.values()}
    assert reachable == set(S.values)


def test_applicant_submits_a_complete_draft_and_gets_a_reference():
    app = make_application()
    submitted, created = services.submit(app, app.applicant)
    assert created and submitted.status == S.SUBMITTED
    assert submitted.reference.startswith("WB-") and submitted.reference.endswith("-0001")
    event = ApplicationEvent.objects.get(application=app, action="submit")
    assert event.actor == app.applicant and event.from_status == "draft" and event.to_status == "submitted"


def test_double_submit_is_idempotent():
    app = make_application()
    first, created = services.submit(app, app.applicant)
    again, created_again = services.submit(app, app.applicant)
    assert created and not created_again
    assert again.reference == first.reference
    assert ApplicationEvent.objects.filter(application=app, action="submit").count() == 1


def test_references_count_up_per_prefix_and_year():
    scheme = make_scheme()
    refs = [services.submit(a, a.applicant)[0].reference for a in (make_application(scheme), make_application(scheme))]
    assert [r[-4:] for r in refs] == ["0001", "0002"]


def test_incomplete_draft_cannot_be_submitted():
    app = make_application(complete=False)
    with pytest.raises(services.TransitionError, match="Fill in who you are|Vul in wie u bent"):
        services.submit(app, app.applicant)


def test_budget_lines_must_add_up_before_submitting():
    app = make_application()
    app.budget_items.update(amount=Decimal("100"))
    with pytest.raises(services.TransitionError):
        services.submit(app, app.applicant)


def test_closed_round_refuses_submission():
    app = make_application(make_scheme(round_open=False))
    with pytest.raises(services.TransitionError) as exc:
        services.submit(app, app.applicant)
    assert "Ronde 1" in str(exc.value)
    app.refresh_from_db()
    assert app.status == S.DRAFT and app.title == "Buurtmoestuin"


def test_someone_else_cannot_submit_my_draft():
    app = make_application()
    with pytest.raises(services.TransitionError):
        services.submit(app, UserFactory())


def test_invalid_transition_gives_a_clear_dutch_message():
    from django.utils import translation

    app = make_application(status=S.SUBMITTED)
    with translation.override("nl"), pytest.raises(services.TransitionError) as exc:
        services.advise(app, reviewer(), "Positief")
    assert "Dit kan nu niet" in str(exc.value)
    assert "Ingediend" in str(exc.value)


def test_full_happy_path_through_every_state():
    app = make_application(status=S.SUBMITTED)
    rev, holder = reviewer(), budget_holder()
    app = services.start_review(app, rev)
    assert app.status == S.IN_REVIEW
    app = services.request_information(app, rev, "Wie doen er mee?")
    assert app.status == S.INFO_REQUESTED
    app = services.answer_information(app, app.applicant, "Twintig buren.")
    assert app.status == S.IN_REVIEW and app.information_requests.get().answer == "Twintig buren."
    services.check_criterion(app, rev, "Draagt bij aan ontmoeting", "met", "Duidelijk")
    app = services.advise(app, rev, "Toekennen", Decimal("500"))
    assert app.status == S.ADVISED
    app = services.decide(app, holder, S.GRANTED, Decimal("500"), "Past goed bij de regeling.")
    assert app.status == S.GRANTED and app.granted_amount == Decimal("500")
    services.record_payment(app, holder, "advance", Decimal("400"))
    app.refresh_from_db()
    assert app.status == S.PAID
    app = services.request_report(app, holder)
    assert app.status == S.REPORT_DUE and app.report_due_date
    app = services.submit_report(app, app.applicant, "Het werkte.", [{"description": "Zaden", "spent": "480"}])
    assert app.status == S.REPORT_SUBMITTED
    services.record_payment(app, holder, "final", Decimal("100"))
    app = services.close(app, holder)
    assert app.status == S.CLOSED
    actions = list(app.events.values_list("action", flat=True))
    assert actions == ["start_review", "request_info", "answer_info", "check", "advise", "grant", "pay",
                       "request_report", "submit_report", "pay", "close"]
    assert all(e.actor_id for e in app.events.all())


def test_partly_grant_and_reject():
    holder = budget_holder()
    a = make_application(status=S.IN_REVIEW)
    a = services.decide(a, holder, S.PARTLY_GRANTED, Decimal("300"), "Deels")
    assert a.status == S.PARTLY_GRANTED and a.granted_amount == Decimal("300")
    b = make_application(a.scheme, status=S.ADVISED)
    b = services.decide(b, holder, S.REJECTED, None, "Past niet")
    assert b.status == S.REJECTED and b.granted_amount is None
    b = services.close(b, holder)
    assert b.status == S.CLOSED


def test_reviewer_cannot_decide():
    app = make_application(status=S.ADVISED)
    with pytest.raises(services.TransitionError, match="budget holder|budgethouder"):
        services.decide(app, reviewer(), S.GRANTED, Decimal("500"), "Ja")
    app.refresh_from_db()
    assert app.status == S.ADVISED and app.granted_amount is None


def test_applicant_cannot_review_or_decide_own_application():
    app = make_application(status=S.SUBMITTED)
    for call in (lambda: services.start_review(app, app.applicant),
                 lambda: services.decide(app, app.applicant, S.GRANTED, Decimal("500"), "ja")):
        with pytest.raises(services.TransitionError):
            call()


def test_staff_cannot_withdraw_or_submit_for_the_applicant():
    app = make_application(status=S.SUBMITTED)
    with pytest.raises(services.TransitionError):
        services.withdraw(app, budget_holder())


def test_applicant_withdraws_until_the_decision():
    for status in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED, S.ADVISED):
        app = make_application(status=status)
        assert services.withdraw(app, app.applicant).status == S.WITHDRAWN
    granted = make_application(status=S.GRANTED, granted_amount=Decimal("500"))
    with pytest.raises(services.TransitionError):
        services.withdraw(granted, granted.applicant)


def test_reviewer_cannot_record_payments_and_payments_cannot_exceed_grant():
    holder = budget_holder()
    app = make_application(status=S.IN_REVIEW)
    app = services.decide(app, holder, S.GRANTED, Decimal("500"), "ja")
    with pytest.raises(services.TransitionError):
        services.record_payment(app, reviewer(), "advance", Decimal("100"))
    with pytest.raises(services.TransitionError):
        services.record_payment(app, holder, "advance", Decimal("600"))


def test_cannot_pay_a_rejected_application():
    holder = budget_holder()
    app = services.decide(make_application(status=S.IN_REVIEW), holder, S.REJECTED, None, "nee")
    with pytest.raises(services.TransitionError):
        services.record_payment(app, holder, "final", Decimal("1"))


@pytest.mark.parametrize(
    "action,from_status",
    [("start_review", S.DRAFT), ("advise", S.SUBMITTED), ("submit_report", S.GRANTED), ("close", S.IN_REVIEW),
     ("request_report", S.GRANTED), ("answer_info", S.IN_REVIEW)],
)
def test_transitions_from_the_wrong_state_are_refused(action, from_status):
    app = make_application(status=from_status)
    holder = budget_holder()
    actor = app.applicant if action in ("submit_report", "answer_info") else holder
    calls = {
        "start_review": lambda: services.start_review(app, actor),
        "advise": lambda: services.advise(app, actor, "x"),
        "submit_report": lambda: services.submit_report(app, actor, "x", []),
        "close": lambda: services.close(app, actor),
        "request_report": lambda: services.request_report(app, actor),
        "answer_info": lambda: services.answer_information(app, actor, "x"),
    }
    with pytest.raises(services.TransitionError):
        calls[action]()
    app.refresh_from_db()
    assert app.status == from_status


def test_assignment_is_logged_and_only_to_reviewers():
    app = make_application(status=S.SUBMITTED)
    rev = reviewer()
    services.assign(app, budget_holder(), rev)
    app.refresh_from_db()
    assert app.assigned_to == rev
    assert app.events.get(action="assign").changes["assigned_to"][1] == str(rev)
    with pytest.raises(services.TransitionError):
        services.assign(app, budget_holder(), UserFactory())
    with pytest.raises(services.TransitionError):
        services.assign(app, app.applicant, rev)


def test_iban_is_masked_for_all_but_budget_holder():
    app = make_application()
    assert app.iban_for(budget_holder()) == "NL91ABNA0417164300"
    assert "ABNA" not in app.iban_for(reviewer())
    assert app.iban_for(reviewer()).endswith("00")
