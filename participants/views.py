from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, ListView, TemplateView

from codesign.filters import FilteredListMixin
from codesign.mixins import ProjectMixin, ProjectObjectMixin
from codesign.permissions import project_membership

from . import selectors, services
from .contact import contact_for
from .filters import MembershipFilter
from .forms import (
    AccessNeedsForm,
    ConsentForm,
    ConsentStatementForm,
    ContactPreferencesForm,
    DisplayNameForm,
    InviteForm,
    InviteManyForm,
    ManagedParticipantForm,
    MembershipForm,
    WithdrawForm,
)
from .models import AccessNeeds, ContactPreferences, Invitation, Membership
from .services import STATEMENT_TEXTS


class MembershipListView(FilteredListMixin, ProjectMixin, ListView):
    """Facilitators see everyone, with what they need to act, and filter; fellow participants
    see each other's display names only."""

    permission_required = "participants.view_members"
    template_name = "participants/membership_list.html"
    page_title = gettext_lazy("Participants")
    filterset_class = MembershipFilter
    paginate_by = 25
    context_object_name = "memberships"

    @cached_property
    def full_view(self) -> bool:
        return self.request.user.has_perm("participants.view_member_details", self.project)

    def get_unfiltered_queryset(self):
        if self.full_view:
            return selectors.members_for_facilitator(self.project)
        return selectors.fellow_members(self.project)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.full_view:
            kwargs["data"] = None  # names only: nothing to filter by
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(full_view=self.full_view, **kwargs)


class InviteView(ProjectMixin, FormView):
    permission_required = "participants.manage_members"
    template_name = "participants/invite_form.html"
    page_title = gettext_lazy("Invite someone")
    form_class = InviteForm

    def form_valid(self, form):
        try:
            invitation = services.participant_invite(
                project=self.project, invited_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": invitation.sent_to}
        )
        return redirect("participants:membership-list", project_pk=self.project.pk)


class InviteManyView(ProjectMixin, FormView):
    permission_required = "participants.manage_members"
    template_name = "participants/invite_many_form.html"
    page_title = gettext_lazy("Invite many people")
    form_class = InviteManyForm

    def form_valid(self, form):
        result = services.participants_invite_many(
            project=self.project, lines=form.cleaned_data["lines"], invited_by=self.request.user
        )
        if result.invited:
            messages.success(
                self.request,
                _("%(count)d invitations sent.") % {"count": len(result.invited)},
            )
        if not result.errors:
            return redirect("participants:membership-list", project_pk=self.project.pk)
        # Keep only the lines that failed, each error beside them, to correct and send again.
        form = self.form_class(data={"lines": "\n".join(line for _, line, _ in result.errors)})
        form.is_valid()
        for number, line, error in result.errors:
            form.add_error(
                "lines",
                _("Line %(number)d (“%(line)s”): %(error)s")
                % {"number": number, "line": line, "error": error},
            )
        return self.render_to_response(self.get_context_data(form=form, invited=result.invited))


@method_decorator(sensitive_post_parameters(), name="dispatch")
class AddManagedView(ProjectMixin, FormView):
    permission_required = "participants.manage_members"
    template_name = "participants/managed_form.html"
    page_title = gettext_lazy("Add someone without email")
    form_class = ManagedParticipantForm

    def form_valid(self, form):
        data = form.cleaned_data
        membership = services.participant_add_managed(
            project=self.project,
            added_by=self.request.user,
            full_name=data["full_name"],
            display_name=data["display_name"],
            constituency=data["constituency"],
            language=data["language"],
            contact=form.contact(),
            consent_method=data["consent_method"],
        )
        messages.success(
            self.request,
            _("%(name)s added. Record their access needs next.")
            % {"name": membership.display_name},
        )
        return redirect(
            "participants:member-access-needs",
            project_pk=self.project.pk,
            membership_pk=membership.pk,
        )


class MembershipMixin(ProjectObjectMixin):
    """A view about one membership of the project in the URL. The rules are the project's
    (who may manage its people), so the membership is looked up once they have answered."""

    model = Membership
    object_url_kwarg = "membership_pk"
    context_object_name = "membership"
    select_related = ("user",)
    permission_on_project = True

    @property
    def membership(self):
        return self.scoped_object


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ContactFormMixin(FormView):
    """Choose how a person hears from projects, and give the numbers and address it needs."""

    form_class = ContactPreferencesForm
    template_name = "participants/contact_form.html"
    page_title = gettext_lazy("How to contact")

    def get_person(self):
        raise Http404

    def get_audit_project(self):
        """The project whose log records the change (none for a person's own)."""
        return None

    def get_form_kwargs(self):
        person = self.get_person()
        instance = ContactPreferences.objects.filter(person=person).first()
        if instance is None:
            instance = ContactPreferences(person=person, channel=contact_for(person).channel)
        return {**super().get_form_kwargs(), "instance": instance, "person": person}

    def form_valid(self, form):
        services.contact_preferences_save(
            person=self.get_person(),
            changed_by=self.request.user,
            project=self.get_audit_project(),
            **form.cleaned_data,
        )
        messages.success(self.request, _("Contact preferences saved."))
        return redirect(self.get_success_url())


class ContactPreferencesView(LoginRequiredMixin, ContactFormMixin):
    """A person's own contact preferences, for every project they take part in."""

    success_url = reverse_lazy("participants:contact-preferences")

    def get_person(self):
        return self.request.user

    def get_context_data(self, **kwargs):
        return super().get_context_data(own=True, page_title=self.page_title, **kwargs)


class MemberContactView(MembershipMixin, ContactFormMixin):
    """A facilitator sets how to reach someone they manage."""

    permission_required = "participants.act_for_member"

    def get_permission_object(self):
        return self.membership

    def get_person(self):
        return self.membership.user

    def get_audit_project(self):
        return self.membership.project

    def get_success_url(self):
        return self.membership.get_absolute_url()


class MembershipDetailView(MembershipMixin, TemplateView):
    permission_required = "participants.view_member_details"
    template_name = "participants/membership_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            access_needs=AccessNeeds.objects.filter(membership=self.membership).first(),
            contact=contact_for(self.membership.user),
            consents=self.membership.consents.select_related("statement", "recorded_by"),
            invitations=self.membership.invitations.all(),
            messages_sent=selectors.messages_to_member(self.membership),
        )
        return context


class MembershipUpdateView(MembershipMixin, FormView):
    permission_required = "participants.manage_members"
    template_name = "participants/membership_form.html"
    page_title = gettext_lazy("Edit participant")
    form_class = MembershipForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.membership}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.membership_update(
            membership=self.membership, changed_by=self.request.user, **fields
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.membership)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class MembershipWithdrawView(MembershipMixin, FormView):
    permission_required = "participants.manage_members"
    template_name = "participants/membership_confirm_withdraw.html"
    page_title = gettext_lazy("Withdraw participant")
    form_class = WithdrawForm

    def form_valid(self, form):
        services.membership_withdraw(
            membership=self.membership,
            withdrawn_by=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request,
            _("%(name)s has been withdrawn from the project.")
            % {"name": self.membership.display_name},
        )
        return redirect("participants:membership-list", project_pk=self.project.pk)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class AccessNeedsFormMixin(FormView):
    form_class = AccessNeedsForm
    template_name = "participants/access_needs_form.html"
    page_title = gettext_lazy("Access needs")

    def get_target_membership(self):
        raise Http404

    def get_form_kwargs(self):
        instance = AccessNeeds.objects.filter(membership=self.get_target_membership()).first()
        return {**super().get_form_kwargs(), "instance": instance}

    def form_valid(self, form):
        services.access_needs_save(membership=self.get_target_membership(), form=form)
        messages.success(self.request, _("Access needs saved."))
        return redirect(self.get_success_url())


class OwnDisplayNameView(ProjectMixin, FormView):
    """A person changes how others in the project see them."""

    permission_required = "participants.change_own_display_name"
    template_name = "participants/display_name_form.html"
    page_title = gettext_lazy("Your display name")
    form_class = DisplayNameForm

    def get_form_kwargs(self):
        membership = project_membership(self.request.user, self.project)
        return {**super().get_form_kwargs(), "instance": membership}

    def form_valid(self, form):
        services.membership_update(
            membership=form.instance,
            changed_by=self.request.user,
            display_name=form.cleaned_data["display_name"],
        )
        messages.success(self.request, _("Your display name is saved."))
        return redirect(self.project)


class AccessNeedsView(ProjectMixin, AccessNeedsFormMixin):
    """A person's own access needs for a project."""

    permission_required = "participants.edit_own_access_needs"

    def get_target_membership(self):
        return project_membership(self.request.user, self.project)

    def get_context_data(self, **kwargs):
        return super().get_context_data(own=True, **kwargs)

    def get_success_url(self):
        return self.project.get_absolute_url()


class MemberAccessNeedsView(MembershipMixin, AccessNeedsFormMixin):
    """A facilitator records access needs for someone they manage."""

    permission_required = "participants.act_for_member"

    def get_permission_object(self):
        return self.membership

    def get_target_membership(self):
        return self.membership

    def get_success_url(self):
        return self.membership.get_absolute_url()


class InvitationMixin(ProjectObjectMixin):
    """An invitation to the project in the URL, for those who manage its people."""

    model = Invitation
    object_url_kwarg = "invitation_pk"
    context_object_name = "invitation"
    project_lookup = "membership__project"
    permission_required = "participants.manage_members"
    permission_on_project = True

    @property
    def invitation(self):
        return self.scoped_object


class InvitationResendView(InvitationMixin, TemplateView):
    template_name = "participants/invitation_confirm_resend.html"
    page_title = gettext_lazy("Resend invitation")

    def post(self, request, *args, **kwargs):
        try:
            services.invitation_resend(invitation=self.invitation, resent_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("A new link was sent to %(email)s.") % {"email": self.invitation.sent_to},
            )
        return redirect("participants:membership-list", project_pk=self.project.pk)


class InvitationRevokeView(InvitationMixin, TemplateView):
    template_name = "participants/invitation_confirm_revoke.html"
    page_title = gettext_lazy("Cancel invitation")

    def post(self, request, *args, **kwargs):
        try:
            services.invitation_revoke(invitation=self.invitation, revoked_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Invitation cancelled. The link no longer works."))
        return redirect("participants:membership-list", project_pk=self.project.pk)


class ConsentStatementView(ProjectMixin, FormView):
    permission_required = "projects.change_project"
    template_name = "participants/consent_statement_form.html"
    page_title = gettext_lazy("Consent statement")
    form_class = ConsentStatementForm

    def get_initial(self):
        latest = self.project.consent_statements.order_by("-version").first()
        return {name: getattr(latest, name) if latest else "" for name in STATEMENT_TEXTS}

    def form_valid(self, form):
        statement = services.consent_statement_publish(
            project=self.project, **{name: form.cleaned_data[name] for name in STATEMENT_TEXTS}
        )
        messages.success(
            self.request,
            _("Consent statement saved as version %(version)d.") % {"version": statement.version},
        )
        return redirect(self.project)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ConsentView(ProjectMixin, FormView):
    """The invited person reads the consent statement and agrees to it."""

    permission_required = "participants.give_consent"
    template_name = "participants/consent_form.html"
    page_title = gettext_lazy("Taking part")
    form_class = ConsentForm

    def get_context_data(self, **kwargs):
        membership = project_membership(self.request.user, self.project)
        return super().get_context_data(
            statement=self.project.consent_statements.order_by("-version").first(),
            current=services.current_consent(membership),
            **kwargs,
        )

    def form_valid(self, form):
        membership = project_membership(self.request.user, self.project)
        services.consent_give(membership=membership, recorded_by=self.request.user)
        messages.success(
            self.request,
            _("Thank you. You are now taking part. Tell us anything that would help you join in."),
        )
        return redirect("participants:access-needs", project_pk=self.project.pk)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ConsentWithdrawView(ProjectMixin, FormView):
    permission_required = "participants.withdraw_consent"
    template_name = "participants/consent_confirm_withdraw.html"
    page_title = gettext_lazy("Stop taking part")
    form_class = WithdrawForm

    def form_valid(self, form):
        membership = project_membership(self.request.user, self.project)
        services.membership_withdraw(
            membership=membership,
            withdrawn_by=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request,
            _("You have withdrawn your consent and left “%(title)s”.")
            % {"title": self.project.title},
        )
        return redirect("home")


class InvitationAcceptView(TemplateView):
    """Opening the emailed link (GET) only shows the invitation; accepting is a POST.

    Mail scanners open links, so nothing changes on GET.
    """

    template_name = "participants/invitation_accept.html"

    @cached_property
    def invitation(self):
        invitation = services.invitation_for_token(self.kwargs["token"])
        if invitation is None:
            raise Http404
        return invitation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation = self.invitation
        user = self.request.user
        context.update(
            invitation=invitation,
            project=invitation.membership.project,
            usable=invitation.is_usable
            and invitation.membership.status == Membership.Status.INVITED,
            wrong_person=user.is_authenticated and user.pk != invitation.membership.user_id,
            signs_in_directly=services.invitation_signs_in_directly(invitation),
            login_url=reverse("account_login") + "?" + urlencode({"next": self.request.path}),
        )
        return context

    def post(self, request, *args, **kwargs):
        invitation = self.invitation
        context = self.get_context_data()
        if not context["usable"] or context["wrong_person"]:
            return self.render_to_response(context, status=409 if context["wrong_person"] else 410)
        user = invitation.membership.user
        if not request.user.is_authenticated:
            if not services.invitation_signs_in_directly(invitation):
                return redirect(context["login_url"])
            services.invitation_accept(invitation=invitation, user=user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        else:
            services.invitation_accept(invitation=invitation, user=user)
        messages.success(request, _("Welcome. Please read and agree to how the project works."))
        return redirect("participants:consent", project_pk=invitation.membership.project_id)
