"""Involvement payments: the policy, recognition records, expenses, and the finance CSV."""

import csv
import io
import os
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from codesign.exports import csv_cell
from participants.models import Constituency, Membership
from sessions.closing.services import (
    expense_claim_add,
    recognition_update,
    session_close,
)
from sessions.models import (
    Attendance,
    ExpenseClaim,
    PaymentPolicy,
    Recognition,
    WorkshopSession,
)
from tests.factories import MembershipFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def held_session(world, roles=("service_user", "carer"), title="Joint co-design event"):
    now = timezone.now()
    session = WorkshopSessionFactory(
        project=world.project,
        title=title,
        status=WorkshopSession.Status.IN_PROGRESS,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
    )
    return session_close(
        session=session,
        attended_membership_ids=[member(world, role).pk for role in roles],
        record_notes="",
        outputs="",
        closed_by=world.users["facilitator"],
    )


def recognition_of(world, role):
    return Recognition.objects.get(attendance__membership=member(world, role))


def url(name, world, *args):
    return reverse(f"closing:{name}", args=[world.project.pk, *args])


# The payment policy


def test_policy_page_starts_from_the_organisations_wording_without_saving(world, client):
    world.organisation.payment_policy = "£20 an hour, paid within 30 days."
    world.organisation.save()
    client.force_login(world.users["facilitator"])
    response = client.get(url("payment-policy", world))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["notes"] == "£20 an hour, paid within 30 days."
    assert form.initial["pay_staff"] is False
    assert not PaymentPolicy.objects.exists()


def test_policy_is_saved(world, client):
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("payment-policy", world),
        {
            "basis": "per_session",
            "hourly_rate": "20",
            "fixed_amount": "35.00",
            "covers_travel": "on",
            "notes": "Vouchers or bank transfer.",
        },
    )
    assert response.status_code == 302
    policy = PaymentPolicy.objects.get(project=world.project)
    assert (policy.basis, policy.fixed_amount) == ("per_session", Decimal("35.00"))
    assert (policy.covers_travel, policy.covers_carer_cover, policy.covers_other) == (
        True,
        False,
        False,
    )
    assert policy.pay_staff is False


@pytest.mark.parametrize(("role", "status"), [("service_user", 403), ("manager", 403)])
def test_only_facilitators_set_the_policy(world, client, role, status):
    client.force_login(world.users[role])
    assert client.post(url("payment-policy", world), {"basis": "hourly"}).status_code == status
    assert not PaymentPolicy.objects.exists()


# The facilitator's list and the finance CSV


def test_facilitator_lists_the_projects_payments_with_filters(world, client):
    first = held_session(world, ["service_user", "carer"], title="First")
    second = held_session(world, ["service_user"], title="Second")
    recognition_update(
        recognition=Recognition.objects.get(
            attendance__session=first, attendance__membership=member(world, "carer")
        ),
        changed_by=world.users["facilitator"],
        payment_status="approved",
    )
    client.force_login(world.users["facilitator"])
    response = client.get(url("payment-list", world))
    assert len(response.context["recognitions"]) == 3
    response = client.get(url("payment-list", world), {"status": "approved"})
    assert [r.attendance.membership.display_name for r in response.context["recognitions"]] == [
        "Carer"
    ]
    response = client.get(url("payment-list", world), {"session": second.pk})
    assert [r.attendance.session for r in response.context["recognitions"]] == [second]


def many_recognitions(world, count):
    session = held_session(world, roles=())
    for n in range(count):
        membership = MembershipFactory(project=world.project, constituency=Constituency.CARER)
        attendance = Attendance.objects.create(session=session, membership=membership)
        recognition = Recognition.objects.create(
            attendance=attendance, hours=2, amount=40, benefits_advice_offered=n % 2 == 0
        )
        ExpenseClaim.objects.create(recognition=recognition, kind="travel", amount=5)


def test_payment_list_costs_the_same_queries_for_2_and_50_records(world, client, count_queries):
    client.force_login(world.users["facilitator"])
    many_recognitions(world, 2)
    few = count_queries(lambda: client.get(url("payment-list", world)))
    many_recognitions(world, 48)
    many = count_queries(lambda: client.get(url("payment-list", world)))
    assert few == many


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("service_user", 403),
        ("staff", 403),
        ("observer", 403),
        ("manager", 403),
        ("outsider", 404),
        ("facilitator", 200),
        ("org_admin", 200),
    ],
)
def test_only_facilitators_see_the_projects_payments(world, client_for, role, status):
    held_session(world)
    client = client_for(world.users[role])
    assert client.get(url("payment-list", world)).status_code == status
    assert client.get(url("payment-csv", world)).status_code == status


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_csv_for_finance_escapes_cells_a_spreadsheet_would_run(world, client):
    service_user = member(world, "service_user")
    service_user.display_name = '=HYPERLINK("http://evil.example","Click")'
    service_user.save()
    world.users["service_user"].full_name = "@SUM(1+1)"
    world.users["service_user"].save()
    session = held_session(world, ["service_user"], title="+Budget session")
    recognition = recognition_of(world, "service_user")
    expense_claim_add(
        recognition=recognition, kind="travel", amount=Decimal("4.20"), claimed_by=None
    )
    recognition_update(
        recognition=recognition,
        changed_by=world.users["facilitator"],
        payment_status="paid",
        paid_on=date(2027, 1, 20),
        payment_reference="-PAY-0042",
        expense_statuses={recognition.expenses.get().pk: "approved"},
    )
    client.force_login(world.users["facilitator"])
    header, row = read_csv(client.get(url("payment-csv", world)))
    # The same columns as the reports' payments export (sessions/closing/exports.py).
    assert header == [
        "Session",
        "Project",
        "Date",
        "Constituency",
        "Hours",
        "Amount (£)",
        "Payment status",
        "Paid on",
        "Expenses claimed (£)",
        "Expenses approved (£)",
        "Benefits advice offered",
        "Display name",
        "Full name",
        "Payment reference",
    ]
    assert row == [
        "'+Budget session",
        world.project.title,
        timezone.localtime(session.starts_at).date().isoformat(),
        "Service user",
        "2.00",
        "40.00",
        "Paid",
        "2027-01-20",
        "4.20",
        "4.20",
        "No",
        '\'=HYPERLINK("http://evil.example","Click")',
        "'@SUM(1+1)",
        "'-PAY-0042",
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_escaped(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


def test_ordinary_cells_are_left_alone():
    assert csv_cell("Sam O'Neill") == "Sam O'Neill"
    assert csv_cell(Decimal("12.50")) == "12.50"
    assert csv_cell(None) == ""


# Editing a record


def test_paid_without_date_and_reference_is_refused_next_to_the_fields(world, client):
    held_session(world)
    recognition = recognition_of(world, "service_user")
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("recognition-edit", world, recognition.pk),
        {"payment_status": "paid", "paid_on": "", "payment_reference": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["payment_reference"] == ["Give the payment reference."]
    assert errors["paid_on"] == ["Give the date it was paid."]
    assert 'id="error_1_id_payment_reference"' in response.content.decode()
    recognition.refresh_from_db()
    assert recognition.payment_status == "offered"


def test_the_service_enforces_the_paid_rule_too(world):
    held_session(world)
    with pytest.raises(ValidationError) as error:
        recognition_update(
            recognition=recognition_of(world, "service_user"),
            changed_by=world.users["facilitator"],
            payment_status="paid",
            paid_on=date(2027, 1, 2),
        )
    assert "payment_reference" in error.value.message_dict


def test_facilitator_marks_paid_with_benefits_advice_and_approves_expenses(world, client):
    held_session(world)
    recognition = recognition_of(world, "carer")
    claim = expense_claim_add(
        recognition=recognition, kind="carer_cover", amount=Decimal("30"), claimed_by=None
    )
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("recognition-edit", world, recognition.pk),
        {
            "payment_status": "paid",
            "paid_on": "2027-02-01",
            "payment_reference": "BACS 991",
            "benefits_advice_offered": "on",
            f"expense_{claim.pk}": "approved",
        },
    )
    assert response.status_code == 302
    recognition.refresh_from_db()
    claim.refresh_from_db()
    assert (recognition.payment_status, recognition.payment_reference) == ("paid", "BACS 991")
    assert recognition.benefits_advice_offered is True
    assert claim.status == "approved"


@pytest.mark.parametrize(
    ("role", "status"),
    [("service_user", 403), ("carer", 404), ("manager", 404), ("outsider", 404)],
)
def test_only_facilitators_edit_records(world, client_for, role, status):
    held_session(world)
    recognition = recognition_of(world, "service_user")
    response = client_for(world.users[role]).post(
        url("recognition-edit", world, recognition.pk),
        {"payment_status": "approved"},
    )
    assert response.status_code == status
    recognition.refresh_from_db()
    assert recognition.payment_status == "offered"


# A participant's own records


def test_participants_see_only_their_own_records(world, client):
    held_session(world, ["service_user", "carer"])
    client.force_login(world.users["carer"])
    response = client.get(url("my-payments", world))
    assert response.status_code == 200
    assert [r.attendance.membership.display_name for r in response.context["recognitions"]] == [
        "Carer"
    ]
    html = response.content.decode()
    assert f'id="recognition-{recognition_of(world, "carer").pk}"' in html
    assert f'id="recognition-{recognition_of(world, "service_user").pk}"' not in html


def test_a_participant_declines_their_payment(world, client):
    held_session(world)
    recognition = recognition_of(world, "service_user")
    client.force_login(world.users["service_user"])
    decline = url("recognition-decline", world, recognition.pk)
    assert client.get(decline).status_code == 200
    assert client.post(decline).status_code == 302
    recognition.refresh_from_db()
    assert recognition.payment_status == "declined"


def test_nobody_declines_someone_elses_payment(world, client_for):
    held_session(world)
    recognition = recognition_of(world, "service_user")
    # Others may not know it exists; the facilitator sees it but may not decline for them.
    for role, status in (("carer", 404), ("outsider", 404), ("facilitator", 403)):
        response = client_for(world.users[role]).post(
            url("recognition-decline", world, recognition.pk)
        )
        assert response.status_code == status, role
    recognition.refresh_from_db()
    assert recognition.payment_status == "offered"


def pdf_receipt():
    return SimpleUploadedFile(
        "my receipt <script>.html", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )


def test_a_participant_claims_a_covered_expense_with_a_receipt(world, client, media):
    held_session(world)
    recognition = recognition_of(world, "service_user")
    client.force_login(world.users["service_user"])
    response = client.post(
        url("own-expense-claim-add", world, recognition.pk),
        {"kind": "travel", "amount": "6.40", "description": "Bus", "receipt": pdf_receipt()},
    )
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert (claim.kind, claim.amount, claim.status) == ("travel", Decimal("6.40"), "claimed")
    assert claim.receipt.name.startswith("receipts/") and claim.receipt.name.endswith(".pdf")
    assert "script" not in claim.receipt.name and "receipt <" not in claim.receipt.name
    receipt_url = url("expense-receipt", world, recognition.pk, claim.pk)
    for role, status in [
        ("service_user", 200),
        ("facilitator", 200),
        ("carer", 404),
        ("manager", 404),
        ("outsider", 404),
    ]:
        client.force_login(world.users[role])
        response = client.get(receipt_url)
        assert response.status_code == status, role
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "attachment" in response["Content-Disposition"]
            assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_only_the_kinds_the_policy_covers_can_be_claimed(world, client):
    held_session(world)
    PaymentPolicy.objects.filter(project=world.project).update(covers_carer_cover=False)
    recognition = recognition_of(world, "carer")
    client.force_login(world.users["carer"])
    add = url("own-expense-claim-add", world, recognition.pk)
    form = client.get(add).context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == ["travel"]
    response = client.post(add, {"kind": "carer_cover", "amount": "20"})
    assert "kind" in response.context["form"].errors
    with pytest.raises(ValidationError):
        expense_claim_add(
            recognition=recognition, kind="other", amount=Decimal("1"), claimed_by=None
        )
    assert not ExpenseClaim.objects.exists()


def test_a_photographed_receipt_loses_its_location(
    world, client, django_capture_on_commit_callbacks
):
    held_session(world)
    recognition = recognition_of(world, "carer")
    image = Image.new("RGB", (30, 30), "white")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    assert b"PhoneMaker" in out.getvalue()
    client.force_login(world.users["carer"])
    with django_capture_on_commit_callbacks(execute=True):  # the worker's job runs at once
        response = client.post(
            url("own-expense-claim-add", world, recognition.pk),
            {
                "kind": "travel",
                "amount": "3",
                "receipt": SimpleUploadedFile("r.jpg", out.getvalue()),
            },
        )
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.receipt_status == "ready"
    assert claim.receipt.name.endswith(".jpg")
    with open(claim.receipt.path, "rb") as stored:
        assert b"PhoneMaker" not in stored.read()
    served = client.get(url("expense-receipt", world, recognition.pk, claim.pk))
    assert served["Content-Type"] == "image/jpeg"
    assert b"PhoneMaker" not in b"".join(served.streaming_content)


def test_a_receipt_that_is_neither_pdf_nor_image_or_too_big_is_refused(world, client, settings):
    held_session(world)
    recognition = recognition_of(world, "carer")
    client.force_login(world.users["carer"])
    add = url("own-expense-claim-add", world, recognition.pk)
    response = client.post(
        add,
        {
            "kind": "travel",
            "amount": "3",
            "receipt": SimpleUploadedFile("r.pdf", b"<html>not a receipt</html>"),
        },
    )
    assert "receipt" in response.context["form"].errors
    settings.RECEIPT_MAX_BYTES = 10
    response = client.post(add, {"kind": "travel", "amount": "3", "receipt": pdf_receipt()})
    assert "the most we accept is 10" in response.context["form"].errors["receipt"][0]
    assert not ExpenseClaim.objects.exists()
    assert not os.listdir(settings.MEDIA_ROOT)


def test_facilitator_claims_for_someone_they_manage(world, client):
    held_session(world)
    recognition = recognition_of(world, "carer")
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("expense-claim-add", world, recognition.pk), {"kind": "travel", "amount": "12"}
    )
    assert response.status_code == 302
    assert ExpenseClaim.objects.get().recognition == recognition
    client.force_login(world.users["carer"])
    assert (
        client.post(
            url("expense-claim-add", world, recognition.pk), {"kind": "travel", "amount": "12"}
        ).status_code
        == 403
    )


def test_closing_and_payment_changes_are_audited(world):
    from audit.models import AuditEntry
    from sessions.closing.services import recognition_decline, recognition_update

    held_session(world)
    closed = AuditEntry.objects.get(action="session.closed")
    assert closed.details == {"attended": 2, "removed": 0}
    recognition = recognition_of(world, "service_user")
    recognition_update(
        recognition=recognition, changed_by=world.users["facilitator"], payment_status="approved"
    )
    recognition_decline(
        recognition=recognition_of(world, "carer"), declined_by=world.users["carer"]
    )
    changes = AuditEntry.objects.filter(action="payment.changed").order_by("id")
    assert [(e.actor.email, e.details) for e in changes] == [
        ("facilitator@example.org", {"payment": ["offered", "approved"]}),
        ("carer@example.org", {"payment": ["offered", "declined"]}),
    ]


def test_a_new_projects_policy_starts_from_the_organisations_terms(world, client):
    client.force_login(world.users["org_admin"])
    terms_url = reverse("closing:organisation-payment-terms", args=[world.organisation.pk])
    response = client.post(terms_url, {"basis": "per_session", "hourly_rate": "0"})
    assert "fixed_amount" in response.context["form"].errors  # required, shown by the field
    response = client.post(
        terms_url,
        {
            "basis": "per_session",
            "hourly_rate": "0",
            "fixed_amount": "35.00",
            "covers_travel": "on",
            "covers_other": "on",
        },
    )
    assert response.status_code == 302
    client.force_login(world.users["facilitator"])
    page = client.get(url("payment-policy", world))
    policy = page.context["form"].instance
    assert (policy.basis, policy.fixed_amount, policy.covers_carer_cover, policy.covers_other) == (
        "per_session",
        Decimal("35.00"),
        False,
        True,
    )
    client.force_login(world.users["facilitator"])
    assert client.get(terms_url).status_code == 404  # not an organisation role


def test_the_finance_csv_always_names_the_payee(world, client):
    """Finance pays a name: the full name, else a deleted account's pseudonym, else the
    display name, never a blank cell."""
    carer, service_user = world.users["carer"], world.users["service_user"]
    carer.full_name = ""
    carer.save()
    service_user.full_name, service_user.pseudonym = "", "Former participant 7F3A"
    service_user.save()
    held_session(world, ["service_user", "carer"])
    client.force_login(world.users["facilitator"])
    header, *rows = read_csv(client.get(url("payment-csv", world)))
    names = {row[header.index("Display name")]: row[header.index("Full name")] for row in rows}
    assert names == {"Service User": "Former participant 7F3A", "Carer": "Carer"}
