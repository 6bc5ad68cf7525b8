"""Run as a process of its own by tests/workshops/test_uploads.py, so that its peak memory
(ru_maxrss, which never goes down) belongs to one upload: `python -m tests.workshops.upload_probe
PICTURE`, with DATABASE_URL an in-memory SQLite database and MEDIA_ROOT a folder.

Makes the tables from the models, a project with a facilitator and a participant who came to a
held session, and sends one small photo through the pages (so the base includes everything an
upload loads). Then the base is taken, and PICTURE is uploaded through the pages as a session
photo and as a receipt, with the worker's jobs running in this process (test settings run them
at once). Prints, as JSON, the peak above the base in MB and what each upload became.
"""

import io
import json
import os
import resource
import sys
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings.test")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1_000_000


def setup():
    import django
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # responses carry their context
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)


def world():
    from django.utils import timezone

    from participants.models import Constituency, Membership
    from sessions.closing.services import session_close
    from sessions.models import WorkshopSession
    from tests.factories import MembershipFactory, ProjectFactory, WorkshopSessionFactory

    project = ProjectFactory()
    facilitator = MembershipFactory(project=project, role=Membership.Role.FACILITATOR)
    carer = MembershipFactory(project=project, constituency=Constituency.CARER)
    now = timezone.now()
    session = WorkshopSessionFactory(
        project=project,
        status=WorkshopSession.Status.IN_PROGRESS,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
    )
    session_close(
        session=session,
        attended_membership_ids=[carer.pk],
        record_notes="",
        outputs="",
        closed_by=facilitator.user,
    )
    return project, session, facilitator.user, carer


def upload(client, project, session, facilitator, carer, name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from sessions.models import Recognition

    client.force_login(facilitator)
    photo = client.post(
        reverse("closing:session-photos", args=[project.pk, session.pk]),
        {"image": SimpleUploadedFile(name, content), "caption": "Flipchart"},
    )
    client.force_login(carer.user)
    recognition = Recognition.objects.get(attendance__membership=carer)
    receipt = client.post(
        reverse("closing:own-expense-claim-add", args=[project.pk, recognition.pk]),
        {"kind": "travel", "amount": "3", "receipt": SimpleUploadedFile(name, content)},
    )
    return [
        {
            "status": response.status_code,
            "errors": {
                field: [str(error) for error in errors]
                for field, errors in (response.context or {}).get("form", {}).errors.items()
            }
            if response.status_code == 200
            else {},
        }
        for response in (photo, receipt)
    ]


def main(path: str) -> None:
    setup()
    from django.test import Client
    from PIL import Image

    from sessions.models import ExpenseClaim, SessionPhoto

    project, session, facilitator, carer = world()
    client = Client()
    small = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(small, "PNG")
    upload(client, project, session, facilitator, carer, "small.png", small.getvalue())
    with open(path, "rb") as picture:
        content = picture.read()
    base = peak_mb()
    answers = upload(client, project, session, facilitator, carer, "picture.png", content)
    print(
        json.dumps(
            {
                "peak_above_base_mb": round(peak_mb() - base, 1),
                "photo": answers[0],
                "receipt": answers[1],
                "photos_ready": SessionPhoto.objects.filter(image_status="ready").count(),
                "receipts_ready": ExpenseClaim.objects.filter(receipt_status="ready").count(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
