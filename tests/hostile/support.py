"""What the hostile tests share: every user-facing form and the page it is used on, how to read
a form back out of the HTML a person is shown, and the payloads an attacker would type."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import EXPECTED, Scene, build_url

# Tried in this order: the first role that may use a page is the one who fills in its form.
USERS = ["facilitator", "service_user", "org_admin", "superuser"]

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    '=HYPERLINK("http://x.evil.test","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "{{7*7}}",
    "{% debug %}",
    "'; DROP TABLE x;--",
    "Subject\r\nBcc: x@evil.test",
    "\u202eevil.exe\u202c",
    "nul\x00byte",
]


@dataclass
class Page:
    """A page that shows a form: by URL name, with the scene's objects it needs to exist first."""

    url_name: str
    needs: tuple = ()
    method: str = "post"
    kwargs: dict = field(default_factory=dict)
    role: str | None = None
    # A page that answers a valid POST with 200 and a report of what it did, not a redirect.
    reports_back: bool = False
    # The URL name the form submits to, when not the page's own (the board's inline form).
    posts_to: str = ""

    @property
    def user_role(self):
        if self.role:
            return self.role
        for role in USERS:
            get = EXPECTED[self.url_name][role][0]
            post = EXPECTED[self.posts_to or self.url_name][role][1]
            if get == 200 and (self.method == "get" or post not in (403, 404, 405)):
                return role
        raise AssertionError(f"nobody may use {self.url_name}")

    def open(self, world):
        """A client signed in as someone who may use the form, the page's URL, and the URL
        the form submits to."""
        scene = Scene(world, "a")
        for name in self.needs:
            getattr(scene, name)
        if self.url_name in EXPECTED:
            url = build_url(self.url_name, {None: scene}, **self.kwargs)
        else:
            url = reverse(self.url_name)
        action = build_url(self.posts_to, {None: scene}, **self.kwargs) if self.posts_to else url
        client = Client()
        if world.users[self.user_role] is not None:
            client.force_login(world.users[self.user_role])
        return client, url, action


# Every form class a view uses, by dotted path, and the pages it is used on.
FORM_PAGES = {
    "projects.forms.ProjectCreateForm": [Page("projects:project-create")],
    "projects.forms.ProjectUpdateForm": [Page("projects:project-edit")],
    "projects.forms.ProjectStatusForm": [Page("projects:project-status")],
    "projects.forms.StageForm": [Page("projects:stage-edit")],
    "projects.forms.JourneyStepForm": [Page("projects:journey-edit")],
    "projects.forms.CurrentStageForm": [Page("projects:stage-edit")],
    "projects.forms.OrganisationForm": [Page("projects:organisation-edit")],
    "projects.forms.OrganisationRoleForm": [Page("projects:organisation-role-add")],
    "api.forms.TokenForm": [Page("api:token-create", reports_back=True)],
    "webhooks.forms.WebhookEndpointForm": [
        Page("webhooks:endpoint-create"),
        Page("webhooks:endpoint-edit", needs=("webhook_endpoint",)),
    ],
    "changes.yousaid.forms.YouSaidForm": [Page("yousaid:edit", needs=("change",))],
    "changes.reflection.forms.LadderVoteForm": [
        Page("reflection:ladder", needs=("open_rating",), role="service_user")
    ],
    "changes.reflection.forms.ReflectionForm": [Page("reflection:session-log")],
    "learning.forms.CatalogueItemForm": [Page("learning:item-create"), Page("learning:item-edit")],
    "learning.forms.TheoryForm": [Page("learning:theory-edit")],
    "learning.forms.CmoLinkForm": [Page("learning:cmo-link-add")],
    "learning.themes.forms.ThemeMergeForm": [
        Page("learning:theme-merge", needs=("other_theme",)),
    ],
    "learning.themes.forms.ThemeRoundForm": [
        Page("learning:theme-round", needs=("accepted_theme",)),
    ],
    "learning.themes.forms.ThemeDecisionForm": [
        Page("learning:theme-decide"),
        Page("learning:organisation-theme-decide"),
    ],
    "learning.equality.forms.EqualityForm": [Page("learning:equality-form")],
    "learning.equality.forms.PopulationForm": [Page("learning:equality-population")],
    "changes.reflection.forms.CmoFromReflectionForm": [Page("reflection:entry-to-cmo")],
    "changes.forms.ChangeForm": [
        Page("changes:change-create", needs=("contribution",)),
        Page("changes:change-edit"),
    ],
    "changes.forms.StatusForm": [Page("changes:change-status")],
    "changes.forms.EvidenceForm": [Page("changes:evidence-add")],
    "changes.forms.FollowUpForm": [Page("changes:follow-up-record")],
    "contributions.live.forms.JoinForm": [Page("live:join", needs=("live_session",))],
    "contributions.live.forms.LiveContributionForm": [
        Page("live:board-join"),
        Page("live:board-add-for"),
    ],
    "contributions.rounds.forms.RoundForm": [Page("rounds:round-create", needs=("contribution",))],
    "contributions.rounds.forms.VoteForm": [Page("rounds:round-vote")],
    "contributions.conversation.forms.CommentForm": [Page("conversation:comment-create")],
    "contributions.conversation.forms.ReplyForm": [Page("conversation:comment-reply")],
    "contributions.conversation.forms.CommentEditForm": [Page("conversation:comment-edit")],
    "contributions.conversation.forms.ReportForm": [
        Page("conversation:contribution-report"),
        Page("conversation:comment-report"),
    ],
    "contributions.conversation.forms.HideForm": [
        Page("conversation:contribution-hide"),
        Page("conversation:comment-hide"),
    ],
    "contributions.conversation.forms.RedactForm": [
        Page("conversation:contribution-redact"),
        Page("conversation:comment-redact"),
    ],
    "contributions.forms.QuickContributionForm": [
        Page("contributions:board", posts_to="contributions:contribution-create")
    ],
    "contributions.forms.ContributionForm": [
        Page("contributions:contribution-create"),
        Page("contributions:contribution-edit"),
    ],
    "contributions.forms.ContributionForForm": [Page("contributions:contribution-add-for")],
    "contributions.forms.StatusForm": [Page("contributions:contribution-status")],
    "contributions.forms.ContributionTagsForm": [
        Page("contributions:contribution-tags", needs=("tag",))
    ],
    "contributions.forms.TagForm": [Page("contributions:tag-list")],
    "participants.forms.InviteForm": [Page("participants:invite")],
    "participants.forms.InviteManyForm": [Page("participants:invite-many", reports_back=True)],
    "participants.forms.ManagedParticipantForm": [Page("participants:add-managed")],
    "participants.forms.MembershipForm": [Page("participants:membership-edit")],
    "participants.forms.ConsentForm": [Page("participants:consent")],
    "participants.forms.ConsentStatementForm": [Page("participants:consent-statement")],
    "participants.forms.WithdrawForm": [
        Page("participants:membership-withdraw"),
        Page("participants:consent-withdraw"),
    ],
    "participants.forms.DisplayNameForm": [Page("participants:own-display-name")],
    "participants.forms.ContactPreferencesForm": [
        Page("participants:contact-preferences"),
        Page("participants:member-contact"),
    ],
    "participants.forms.AccessNeedsForm": [
        Page("participants:access-needs"),
        Page("participants:member-access-needs"),
    ],
    "notifications.forms.EmailPreferencesForm": [Page("notifications:email-preferences")],
    "sessions.closing.forms.SessionCloseForm": [Page("closing:session-close", needs=("walk_in",))],
    "sessions.closing.forms.WalkInForm": [Page("closing:walk-in-add")],
    "sessions.closing.forms.SessionPhotoForm": [Page("closing:session-photos")],
    "sessions.closing.forms.PaymentPolicyForm": [Page("closing:payment-policy")],
    "sessions.closing.forms.OrganisationPaymentTermsForm": [
        Page("closing:organisation-payment-terms")
    ],
    "sessions.closing.forms.RecognitionForm": [Page("closing:recognition-edit")],
    "sessions.closing.forms.ExpenseClaimForm": [
        Page("closing:expense-claim-add"),
        Page("closing:own-expense-claim-add"),
    ],
    "sessions.forms.SessionForm": [
        Page("workshops:session-create"),
        Page("workshops:session-edit"),
    ],
    "sessions.forms.AgendaItemForm": [Page("workshops:session-create")],
    "sessions.forms.CancelForm": [Page("workshops:session-cancel")],
    "sessions.forms.ReplyForm": [
        Page("workshops:session-reply"),
        Page("workshops:session-reply-for"),
    ],
    "reports.forms.ReportRequestForm": [
        Page("reports:project-reports"),
        Page("reports:organisation-reports"),
    ],
    "sso.forms.SingleSignOnForm": [Page("sso:settings")],
    # A known domain's address answers with the page that moves on to the provider.
    "sso.forms.SignInStartForm": [Page("sso:start", role="anonymous", reports_back=True)],
    "reports.forms.EvidenceReportForm": [Page("reports:organisation-evidence")],
    "dashboards.forms.DashboardFilterForm": [
        Page("dashboards:organisation", method="get"),
        Page("dashboards:project", method="get"),
    ],
}


def dotted(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def shows(response, form_path):
    """Whether the page shows that form (or a formset of it; factories subclass the form)."""
    for found in forms_in(response):
        cls = found.form if isinstance(found, BaseFormSet) else type(found)
        if form_path in {dotted(c) for c in cls.__mro__}:
            return True
    return False


def forms_in(response):
    """Every form and formset the view put in the template's context."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and all(value is not f for f in found):
                found.append(value)
    return found


def has_errors(form_or_formset):
    if not form_or_formset.is_bound:
        return False
    if isinstance(form_or_formset, BaseFormSet):
        return bool(form_or_formset.total_error_count())
    return bool(form_or_formset.errors)


def has_visible_errors(form_or_formset):
    """Errors a person could have caused: not only on hidden fields, which only tampering sets."""
    if not has_errors(form_or_formset):
        return False
    if isinstance(form_or_formset, BaseFormSet):
        return bool(form_or_formset.non_form_errors()) or any(
            has_visible_errors(form) for form in form_or_formset.forms
        )
    return any(
        name not in form_or_formset.fields or not form_or_formset.fields[name].widget.is_hidden
        for name in form_or_formset.errors
    )


ERROR_MARKERS = ("errorlist", "is-invalid", "aria-invalid", "invalid-feedback", "alert-danger")


@dataclass
class HtmlField:
    kind: str  # the input's type, or "select", "textarea", "submit"
    name: str
    value: object = ""  # a list of selected options for a select; None for an unticked box
    options: list = field(default_factory=list)
    multiple: bool = False


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: list = field(default_factory=list)

    def names(self):
        return {f.name for f in self.fields if f.kind != "submit"}

    def baseline(self):
        """What submitting the form untouched would send."""
        data = {}
        for f in self.fields:
            if f.kind in ("checkbox", "radio"):
                if f.value is not None:
                    data.setdefault(f.name, []).append(f.value)
            elif f.kind == "select":
                data.setdefault(f.name, []).extend(f.value)
            elif f.kind not in ("submit", "file"):
                data.setdefault(f.name, []).append(f.value or "")
        return data

    def options(self, name):
        return [option for f in self.fields if f.name == name for option in f.options]

    def kind(self, name):
        return next(f.kind for f in self.fields if f.name == name)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        form = self.forms[-1] if self.forms else None
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append(HtmlForm(method=method, action=attrs.get("action") or ""))
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
        elif form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                checked = value if "checked" in attrs else None
                form.fields.append(HtmlField(kind, attrs["name"], checked, [value]))
            elif kind in ("submit", "button", "image", "reset"):
                form.fields.append(HtmlField("submit", attrs["name"], value))
            else:
                form.fields.append(HtmlField(kind, attrs["name"], value))
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            form.fields.append(HtmlField("submit", attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._select = HtmlField("select", attrs["name"], [], [], "multiple" in attrs)
            form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = HtmlField("textarea", attrs["name"], "")
            form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, selected, text = self._option
            value = text.strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.value.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            # A single select with nothing selected sends its first option.
            if not self._select.value and not self._select.multiple and self._select.options:
                self._select.value.append(self._select.options[0])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None


def html_form(html, url, method="post"):
    """The form on the page that submits to the URL (the one with most fields, if several)."""
    parser = _FormParser()
    parser.feed(html)
    candidates = [
        form
        for form in parser.forms
        if form.method == method and form.action in ("", url, ".") and form.names()
    ]
    assert candidates, f"no {method} form submitting to {url} on the page"
    return max(candidates, key=lambda f: len(f.fields))


# allauth's forms people fill in (sign-up is closed): signing in, codes, passwords, addresses.
ACCOUNT_PAGES = [
    Page("account_login", role="anonymous"),
    Page("account_reset_password", role="anonymous"),
    Page("account_request_login_code", role="anonymous"),
    Page("account_change_password", role="service_user"),
    Page("account_email", role="service_user"),
]

# Forms left out here, and why.
NOT_DRIVEN_HERE = {
    "accounts.forms.LoginForm": "allauth's own page, driven in ACCOUNT_PAGES",
    "accounts.forms.RequestLoginCodeForm": "allauth's own page, driven in ACCOUNT_PAGES",
}
