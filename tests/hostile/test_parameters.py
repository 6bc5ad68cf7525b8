"""Filter, sort and paging parameters of list pages with hostile values: never a server error,
never reflected unescaped, never a redirect off the site."""

import pytest

from tests.test_permission_matrix import EXPECTED, Scene, build_url

from .support import PAYLOADS, USERS

# Each page that reads its query string (grep request.GET), with the parameters it reads.
PARAMETERS = {
    "projects:project-status": ["to"],
    "changes:change-list": ["status", "page"],
    "changes:change-create": ["from"],
    "rounds:round-create": ["session"],
    "rounds:round-vote": ["next"],
    "conversation:contribution-hide": ["from"],
    "conversation:comment-hide": ["from"],
    "live:board-items": ["after", "since", "rounds"],
    "contributions:board": ["kind", "stage", "tag", "status", "q", "sort", "page"],
    "contributions:contribution-create": ["kind", "next"],
    "participants:membership-list": ["constituency", "status", "q", "page"],
    "audit:entry-list": ["action", "page"],
    "closing:payment-list": ["status", "session", "page"],
    "closing:payment-csv": ["status", "session"],
    "workshops:session-print": ["large"],
    "outbox:message-list": ["status", "page"],
    "dashboards:organisation": ["project", "date_from", "date_to"],
    "dashboards:project": ["date_from", "date_to"],
    "dashboards:organisation-csv": ["project", "date_from", "date_to"],
    "dashboards:project-csv": ["date_from", "date_to"],
}

VALUES = [
    *PAYLOADS,
    "",
    "-1",
    "0",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "99999999999999999999999999",
    "9" * 400,
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "//evil.example/",
    "https://evil.example/",
    "\\\\evil.example",
]

# Parts of a payload that must never reach a page unescaped.
DANGEROUS = ("<script>alert(1)</script>", "<img src=x onerror", '"><img')


def reader(name):
    for role in USERS:
        if EXPECTED[name][role][0] == 200:
            return role
    raise AssertionError(f"nobody reads {name}")


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_hostile_parameters_never_break_a_page(world, client, name):
    url = build_url(name, {None: Scene(world, "a")})
    client.force_login(world.users[reader(name)])
    client.raise_request_exception = False
    problems = []
    for parameter in PARAMETERS[name]:
        for value in VALUES:
            response = client.get(url, {parameter: value})
            status = response.status_code
            where = f"{parameter}={value!r}"
            if status not in (200, 302, 400, 404):
                problems.append(f"{where}: {status}")
                continue
            location = response.headers.get("Location", "")
            if location and not location.startswith("/") or location.startswith(("//", "/\\")):
                problems.append(f"{where}: redirects to {location}")
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            if any(part in body for part in DANGEROUS):
                problems.append(f"{where}: reflected unescaped")
    assert not problems, f"{url}\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(n for n in PARAMETERS if n.startswith("dashboards:")))
@pytest.mark.parametrize("dates", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_a_dashboard_refuses_dates_out_of_range(world, client, name, dates):
    client.force_login(world.users["org_admin"])
    response = client.get(build_url(name, {None: Scene(world, "a")}), dates)
    if name.endswith("-csv"):
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert 'aria-invalid="true"' in response.content.decode()
