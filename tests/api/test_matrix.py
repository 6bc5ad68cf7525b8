"""The permission matrix of the API: every endpoint × every token scope × both organisations,
and a project in each state. A token reads what its organisation's managers read, within its
scopes: the wrong scope is a 403, another organisation's object (or a draft) a 404, and
another organisation's lists hold none of this one's rows.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import Scope
from changes.models import Evidence, ServiceChange
from projects.models import Project
from sessions.models import WorkshopSession

from ..test_permission_matrix import URLS
from .helpers import api_client, make_token
from .scenery import furnish

pytestmark = pytest.mark.matrix

# Each endpoint: the scope it needs (None: any live token) and the object its id names.
ENDPOINTS = {
    "api:organisation-list": (None, None),
    "api:organisation-detail": (None, "organisation"),
    "api:organisation-dashboard": ("dashboards", "organisation"),
    "api:organisation-themes": ("learning", "organisation"),
    "api:project-list": ("projects", None),
    "api:project-detail": ("projects", "project"),
    "api:project-dashboard": ("dashboards", "project"),
    "api:project-themes": ("learning", "project"),
    "api:session-list": ("sessions", None),
    "api:session-detail": ("sessions", "session"),
    "api:change-list": ("changes", None),
    "api:change-detail": ("changes", "change"),
    "api:you-said-we-did-list": ("changes", None),
    "api:you-said-we-did-detail": ("changes", "change"),
    "api:cmo-record-list": ("learning", None),
    "api:cmo-record-detail": ("learning", "cmo"),
}
# Open to anyone: they describe the API and hold no data.
DESCRIPTIONS = {"api:schema", "api:docs"}
# The tokens tried: each scope alone, all of them, and all of them for the other organisation.
TOKENS = [*(("own", (scope,)) for scope in Scope.values), ("own", "all"), ("other", "all")]


def test_every_api_endpoint_is_in_the_matrix():
    names = {
        url["name"]
        for url in URLS
        if (url["name"] or "").startswith("api:") and not url["name"].startswith("api:token-")
    }
    assert names == set(ENDPOINTS) | DESCRIPTIONS


@pytest.fixture
def objects(world):
    furnish(world.project, n=1, facilitator=world.users["facilitator"])
    return {
        "organisation": world.organisation,
        "project": world.project,
        "session": WorkshopSession.objects.filter(project=world.project).first(),
        "change": ServiceChange.objects.done().filter(project=world.project).first(),
        "cmo": Evidence.objects.filter(kind="cmo", change__project=world.project).first(),
    }


def _url(name, objects):
    kind = ENDPOINTS[name][1]
    return reverse(name, kwargs={"pk": objects[kind].pk} if kind else {})


def _expected(name, side, scopes, state):
    needed, kind = ENDPOINTS[name]
    if needed is not None and scopes != "all" and needed not in scopes:
        return 403
    if kind is None:
        return 200
    if side == "other" or (state == "draft" and kind != "organisation"):
        return 404
    return 200


def _ids(response):
    return {row.get("id", row.get("change")) for row in response.json()["results"]}


@pytest.mark.parametrize("state", ["draft", "active", "closed"])
def test_every_endpoint_for_every_scope_and_organisation(world, objects, state):
    Project.objects.filter(pk=world.project.pk).update(status=state)
    secrets = {}
    for side, scopes in TOKENS:
        organisation = world.organisation if side == "own" else world.other_organisation
        _token, secrets[(side, scopes)] = make_token(
            organisation, scopes=list(Scope.values) if scopes == "all" else list(scopes)
        )
    problems = []
    for name in ENDPOINTS:
        url = _url(name, objects)
        own_rows = None
        for (side, scopes), secret in secrets.items():
            response = api_client(secret).get(url)
            expected = _expected(name, side, scopes, state)
            if response.status_code != expected:
                problems.append(
                    f"{name} {url} {side} {scopes}: {response.status_code}, not {expected}"
                )
                continue
            if expected == 200 and ENDPOINTS[name][1] is None:
                rows = _ids(response)
                if side == "own":
                    own_rows = rows
                elif own_rows and rows & own_rows:
                    problems.append(
                        f"{name}: the other organisation's token lists {rows & own_rows}"
                    )
        listed = ENDPOINTS[name][1] is None and name != "api:organisation-list"
        if listed and state != "draft" and not own_rows:
            problems.append(f"{name}: the organisation's own token listed nothing")
    assert not problems, "\n".join(problems)


def test_expired_and_revoked_tokens_read_nothing(world, objects):
    token, secret = make_token(world.organisation)
    services.token_revoke(token=token, revoked_by=None)
    _expired, expired_secret = make_token(world.organisation, days=1)
    later = timezone.now() + timedelta(days=2)
    import time_machine

    for name in ENDPOINTS:
        url = _url(name, objects)
        assert api_client(secret).get(url).status_code == 401, name
        with time_machine.travel(later):
            assert api_client(expired_secret).get(url).status_code == 401, name


def test_every_row_a_token_lists_is_one_the_rules_let_it_read(world, objects):
    """The selectors ask no more than the rules: each listed row passes its rule."""
    from api.drf import TokenPrincipal
    from api.endpoints import (
        ChangeViewSet,
        CmoRecordViewSet,
        ProjectViewSet,
        SessionViewSet,
        YouSaidWeDidViewSet,
    )

    Project.objects.create(
        organisation=world.organisation, title="A draft", status=Project.Status.DRAFT
    )
    token, _secret = make_token(world.organisation)
    principal = TokenPrincipal(token)
    for view in (
        ProjectViewSet,
        SessionViewSet,
        ChangeViewSet,
        YouSaidWeDidViewSet,
        CmoRecordViewSet,
    ):
        rows = list(view.selector(principal))
        assert rows, view.__name__
        assert all(principal.has_perm(view.read_permission, row) for row in rows), view.__name__
