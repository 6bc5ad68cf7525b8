"""Injection payloads stored in every free-text field, then read back everywhere they can go:
every page each kind of person sees, the CSV exports, calendar files and emails."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from codesign.exports import FORMULA_STARTS
from contributions.conversation.services import comment_add, report_add
from outbox.models import OutboxMessage
from participants.services import participant_invite
from privacy.services import personal_data_zip
from sessions.calendar.services import calendar_feed_create
from sessions.services import session_cancel, session_schedule
from tests.test_permission_matrix import (
    DEFAULT_KWARG_OBJECTS,
    EXPECTED,
    KWARG_OBJECTS,
    SNAPSHOT_APPS,
    Scene,
    build_url,
)

from .support import FORM_PAGES, html_form

# Each starts like a spreadsheet formula and carries markup, a template tag and, in one, a
# header break, so one stored value tests HTML, CSV, calendar and email at once.
STORED = [
    '=HYPERLINK("http://x.evil.test")"><script>alert(1)</script>',
    "+cmd|' /C calc'!A0\"><img src=x onerror=alert(1)>",
    "@SUM(1)<script>alert(1)</script>{{7*7}}{% debug %}",
    '-1+1"><img src=x onerror=alert(1)>\u202eevil',
    "Bcc\r\nBcc: x@evil.test<script>alert(1)</script>",
    "'; DROP TABLE x;--<script>alert(1)</script>",
]
DANGEROUS = ("<script>alert(1)</script>", "<img src=x onerror", '"><img')
READERS = ["facilitator", "service_user", "observer", "manager", "org_admin", "superuser"]

# Text that is not free text even though it is stored as characters.
# (A notification's url is a path the code builds, never typed.)
NOT_FREE_TEXT = re.compile(r"password|token|code|key|hash|secret|lang|zone|url|filename")


def free_text_fields(model):
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.EmailField | models.URLField | models.SlugField)
            and not field.choices
            and not field.unique
            and not NOT_FREE_TEXT.search(field.name)
        ):
            yield field


def unique_field_names(model):
    """Fields that a unique constraint of the model names, alone or with others."""
    names = set()
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    for together in model._meta.unique_together:
        names.update(together)
    return names


def flood(apps_to_flood):
    """Write a payload into every free-text field of every row of our models."""
    n = 0
    for model in apps.get_models():
        if model._meta.app_label not in apps_to_flood or model is OutboxMessage:
            continue
        fields = list(free_text_fields(model))
        if not fields:
            continue
        unique = unique_field_names(model)
        for pk in model._base_manager.values_list("pk", flat=True):
            values = {}
            for field in fields:
                payload = STORED[n % len(STORED)]
                n += 1
                if field.name in unique:
                    # Rows whose text must differ (a catalogue's names) keep their own.
                    payload = f"{pk} {payload}"
                values[field.name] = payload[: field.max_length] if field.max_length else payload
            model._base_manager.filter(pk=pk).update(**values)
    return n


@pytest.fixture
def hostile(world):
    """The world with one of everything, each free-text field holding a payload."""
    scene = Scene(world, "a")
    for attribute in {*DEFAULT_KWARG_OBJECTS.values(), *KWARG_OBJECTS.values()}:
        getattr(scene, attribute)
    # Spreadsheet reports are being built in reports/; their tests come with them.
    assert flood(SNAPSHOT_APPS - {"outbox", "reports"}) > 50
    return scene


def body_of(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def csv_problems(text, where):
    """Cells a spreadsheet would run as a formula (a leading "-" is fine on a number)."""
    problems = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if not cell.startswith(FORMULA_STARTS):
                continue
            if cell.startswith("-") and re.fullmatch(r"-\d+(\.\d+)?", cell):
                continue
            problems.append(f"{where}: formula cell {cell[:40]!r}")
    return problems


def ics_problems(text, where):
    """Content lines that are not a property: a value broke out of its line."""
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    return [
        f"{where}: line {line[:60]!r}"
        for line in unfolded.split("\r\n")
        if line and not re.match(r"^[A-Za-z0-9-]+[;:]", line)
    ]


def page_problems(response, where):
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith(("application/pdf", "image/", "application/zip")):
        return []
    text = body_of(response)
    if content_type.startswith("text/csv"):
        return csv_problems(text, where)
    if content_type.startswith("text/calendar"):
        return ics_problems(text, where)
    problems = [f"{where}: unescaped {part!r}" for part in DANGEROUS if part in text]
    if re.search(r"href=[\"']?\s*javascript:", text, re.IGNORECASE):
        problems.append(f"{where}: javascript: link")
    return problems


def test_every_page_escapes_stored_payloads(hostile, world):
    problems, walked = [], 0
    for role in READERS:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[role])
        for name, table in EXPECTED.items():
            if table[role][0] != 200:
                continue
            url = build_url(name, {None: hostile})
            response = client.get(url)
            walked += 1
            if response.status_code >= 500:
                problems.append(f"{role} {url}: {response.status_code}")
                continue
            problems += page_problems(response, f"{role} {url}")
    assert walked > 200
    assert not problems, "\n".join(problems)


def test_a_payload_is_shown_escaped_not_dropped(hostile, world):
    client = Client()
    client.force_login(world.users["facilitator"])
    html = client.get(build_url("contributions:contribution-detail", {None: hostile})).content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html or b"&lt;img src=x onerror" in html


def test_csv_exports_cannot_run_formulas(hostile, world):
    problems, exports = [], 0
    for name in EXPECTED:
        if not name.endswith("-csv"):
            continue
        client = Client()
        role = next((role for role in READERS if EXPECTED[name][role][0] == 200), None)
        if role is None:
            continue  # nobody may read it in the matrix's world (a round's results while open)
        client.force_login(world.users[role])
        response = client.get(build_url(name, {None: hostile}))
        assert response.status_code == 200, name
        exports += 1
        problems += csv_problems(body_of(response), name)
    assert exports >= 2
    assert not problems, "\n".join(problems)


def test_the_payment_csv_escapes_names_and_titles(hostile, world):
    """The payments CSV has a row for the service user's payment, with the payload in it."""
    client = Client()
    client.force_login(world.users["facilitator"])
    text = body_of(client.get(build_url("closing:payment-csv", {None: hostile})))
    assert "'" + STORED[0][:5] in text or any("'" + p[:4] in text for p in STORED)
    assert not csv_problems(text, "payments")


def test_the_data_download_escapes_its_csv(hostile, world):
    content = personal_data_zip(
        person=world.users["service_user"], requested_by=world.users["service_user"]
    )
    problems, files = [], 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                files += 1
                problems += csv_problems(archive.read(name).decode(), name)
    assert files
    assert not problems, "\n".join(problems)


def test_calendar_files_keep_payloads_inside_their_lines(hostile, world):
    client = Client()
    client.force_login(world.users["service_user"])
    token = calendar_feed_create(user=world.users["service_user"])
    for where, url in [
        ("download", build_url("workshops:session-ics", {None: hostile})),
        ("feed", reverse("calendar:feed", args=[token])),
    ]:
        text = body_of(client.get(url))
        assert "BEGIN:VEVENT" in text, where
        assert "Bcc" in text or "SUM" in text or "HYPERLINK" in text, where
        assert not ics_problems(text, where)


def email_payload_session(hostile, world):
    start = timezone.now() + timedelta(days=7)
    return session_schedule(
        project=world.project,
        created_by=world.users["facilitator"],
        title="Talk\r\nBcc: x@evil.test<script>alert(1)</script>",
        notes_before='"><img src=x onerror=alert(1)>{{7*7}}',
        place="Room 1\r\nBcc: y@evil.test",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        audience="everyone",
    )


def test_emails_keep_payloads_out_of_headers_and_markup(hostile, world):
    OutboxMessage.objects.all().delete()
    session = email_payload_session(hostile, world)
    session_cancel(session=session, reason="Snow\r\nBcc: z@evil.test<script>alert(1)</script>")
    participant_invite(
        project=world.project,
        email="newcomer@example.org",
        constituency="carer",
        invited_by=world.users["facilitator"],
    )
    comment = comment_add(
        contribution=hostile.contribution,
        author=hostile.membership,
        body="<script>alert(1)</script>\r\nBcc: x@evil.test",
    )
    report_add(
        target=comment,
        reporter=world.users["carer"],
        reason="safeguarding",
        details="<script>alert(1)</script>",
    )
    emails = list(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL))
    assert len(emails) >= 5
    # A subject is plain text on one line: the title as typed, not HTML-escaped.
    assert any("Talk Bcc: x@evil.test<script>" in email.subject for email in emails)
    # The HTML body shows the payload, escaped.
    assert any("x@evil.test&lt;script&gt;" in email.body_html for email in emails)
    problems = []
    for email in emails:
        where = f"{email.to} {email.subject[:40]!r}"
        if "\r" in email.subject or "\n" in email.subject:
            problems.append(f"{where}: line break in the subject")
        if re.search(r"&(lt|gt|amp|quot|#x27);", email.subject):
            problems.append(f"{where}: HTML entities in the subject")
        problems += [f"{where}: unescaped {p!r}" for p in DANGEROUS if p in email.body_html]
        for header, value in (email.headers or {}).items():
            if "\r" in str(value) or "\n" in str(value):
                problems.append(f"{where}: line break in header {header}")
        for attachment in email.attachments or []:
            if attachment.get("filename", "").endswith(".ics"):
                problems += ics_problems(attachment["content"], f"{where} ics")
    assert not problems, "\n".join(problems)


TYPED = [
    '"><img src=x onerror=alert(1)><script>alert(1)</script>',
    "{{7*7}}{% debug %}<script>alert(1)</script>",
    "Hi\r\nBcc: x@evil.test<script>alert(1)</script>",
]
TEXT_INPUTS = ("text", "textarea", "search")
# Pages whose form, as shown, is already valid (an edit of something that exists, or all
# optional): there the payload is saved and read back, not only shown again with an error.
SAVES = {
    "changes:change-create",
    "changes:change-edit",
    "changes:change-status",
    "changes:evidence-add",
    "closing:payment-policy",
    "closing:recognition-edit",
    "closing:session-close",
    "contributions:contribution-edit",
    "contributions:contribution-status",
    "contributions:tag-list",
    "conversation:comment-create",
    "conversation:comment-edit",
    "conversation:comment-hide",
    "conversation:comment-reply",
    "conversation:contribution-hide",
    "live:board-join",
    "participants:access-needs",
    "participants:consent-statement",
    "participants:consent-withdraw",
    "participants:member-access-needs",
    "participants:membership-edit",
    "participants:membership-withdraw",
    "projects:organisation-edit",
    "projects:project-edit",
    "projects:stage-edit",
    "reflection:session-log",
    "workshops:session-cancel",
    "workshops:session-edit",
    "yousaid:edit",
}


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(page, id=f"{form_path.rsplit('.', 1)[1]}@{page.url_name}")
        for form_path, pages in FORM_PAGES.items()
        for page in pages
        if page.method == "post"
    ],
)
def test_payloads_typed_into_every_text_field_come_back_escaped(world, page):
    """Each text field of the form, as the page shows it, with a payload: the page it answers
    with (or redirects to, when it saved) shows it escaped."""
    client, url, action = page.open(world)
    form = html_form(client.get(url).content.decode(), action)
    fields = sorted({f.name for f in form.fields if f.kind in TEXT_INPUTS})
    problems, saved = [], 0
    for name in fields:
        for payload in TYPED:
            with transaction.atomic():
                response = client.post(action, {**form.baseline(), name: payload}, follow=True)
                where = f"{name}={payload[:20]!r}"
                saved += bool(response.redirect_chain)
                problems += page_problems(response, where)
                transaction.set_rollback(True)
    assert not problems, f"{url}\n" + "\n".join(problems)
    assert saved or page.url_name not in SAVES, f"{url} saved none of the payloads"
