"""Closing a session (attendance, walk-ins, photos) and involvement payments."""

import csv
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, ListView, TemplateView, View

from codesign.exports import Echo, csv_cell, private_file_response
from codesign.filters import FilteredListMixin
from codesign.images import ImageStatus
from codesign.mixins import OrganisationMixin, ProjectMixin, ProjectObjectMixin

from ..models import ExpenseClaim, Recognition, SessionPhoto, WalkIn, WorkshopSession
from ..views import SessionMixin
from . import exports, selectors, services
from .filters import PaymentFilter
from .forms import (
    ExpenseClaimForm,
    OrganisationPaymentTermsForm,
    PaymentPolicyForm,
    RecognitionForm,
    SessionCloseForm,
    SessionPhotoForm,
    WalkInForm,
)

RECEIPT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg"}


class RecordingMixin:
    """Pages for recording a session, open while it runs and after it is held (corrections).

    List it after SessionMixin: PermissionMixin has already answered by the time this runs.
    """

    def dispatch(self, request, *args, **kwargs):
        if self.session.status not in services.RECORDABLE:
            messages.error(
                request, _("Start the session first. Attendance is recorded once it is running.")
            )
            return redirect(self.session)
        return super().dispatch(request, *args, **kwargs)


class SessionCloseView(SessionMixin, RecordingMixin, FormView):
    """Tick who came, write notes and outputs, and mark the session held: one form."""

    permission_required = "workshops.run_session"
    template_name = "workshops/closing/session_close.html"
    form_class = SessionCloseForm

    @property
    def page_title(self):
        if self.session.status == WorkshopSession.Status.HELD:
            return _("Attendance and record")
        return _("Record attendance and close")

    @cached_property
    def members(self):
        return list(selectors.attendance_choices(self.session))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": self.members}

    def get_initial(self):
        recorded = [str(m.pk) for m in self.members if m.attended]
        if not recorded and self.session.status != WorkshopSession.Status.HELD:
            recorded = [str(m.pk) for m in self.members if m.replied_going]
        return {
            "attended": recorded,
            "record_notes": self.session.record_notes,
            "outputs": self.session.outputs,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=selectors.attendance_by_constituency(self.session),
            walk_ins=list(self.session.walk_ins.select_related("invited_membership")),
            photos=list(self.session.photos.all()),
            **kwargs,
        )

    def form_valid(self, form):
        was_held = self.session.status == WorkshopSession.Status.HELD
        try:
            services.session_close(
                session=self.session,
                attended_membership_ids=form.cleaned_data["attended"],
                record_notes=form.cleaned_data["record_notes"],
                outputs=form.cleaned_data["outputs"],
                closed_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if was_held:
            messages.success(self.request, _("The session's record is updated."))
        else:
            messages.success(
                self.request,
                _("The session is marked as held. Payments have been offered to those who came."),
            )
        return redirect("closing:session-close", self.project.pk, self.session.pk)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class WalkInAddView(SessionMixin, RecordingMixin, FormView):
    permission_required = "workshops.run_session"
    template_name = "workshops/closing/walk_in_form.html"
    form_class = WalkInForm
    page_title = gettext_lazy("Add someone who walked in")

    def form_valid(self, form):
        walk_in = services.walk_in_add(
            session=self.session, added_by=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, _("%(name)s added.") % {"name": walk_in.name})
        return redirect("closing:session-close", self.project.pk, self.session.pk)


class WalkInInviteView(SessionMixin, RecordingMixin, TemplateView):
    """Confirm, then invite a walk-in to the project by the email they gave."""

    permission_required = "workshops.run_session"
    template_name = "workshops/closing/walk_in_confirm_invite.html"
    page_title = gettext_lazy("Invite to the project")

    @cached_property
    def walk_in(self):
        return get_object_or_404(WalkIn, pk=self.kwargs["walk_in_pk"], session=self.session)

    def get_context_data(self, **kwargs):
        return super().get_context_data(walk_in=self.walk_in, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.walk_in_invite(walk_in=self.walk_in, invited_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": self.walk_in.email},
            )
        return redirect("closing:session-close", self.project.pk, self.session.pk)


class SessionPhotosView(SessionMixin, FormView):
    """Members see the photos of room outputs; facilitators add them here too."""

    template_name = "workshops/closing/session_photos.html"
    form_class = SessionPhotoForm
    page_title = gettext_lazy("Photos of room outputs")

    @property
    def permission_required(self):
        if self.request.method == "POST":
            return "workshops.run_session"
        return "workshops.view_photos"

    def post(self, request, *args, **kwargs):
        if self.session.status not in services.RECORDABLE:
            messages.error(request, _("Photos can be added once the session has started."))
            return redirect(self.session)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(photos=list(self.session.photos.all()), **kwargs)

    def form_valid(self, form):
        try:
            services.session_photo_add(
                session=self.session,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                uploaded_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Photo added."))
        return redirect("closing:session-photos", self.project.pk, self.session.pk)


class PhotoMixin(ProjectObjectMixin):
    """One photo of the session in the URL; the session's rules decide who sees and acts."""

    model = SessionPhoto
    object_url_kwarg = "photo_pk"
    context_object_name = "photo"
    project_lookup = "session__project"
    select_related = ("session__stage",)
    visibility_permission = SessionMixin.visibility_permission

    def get_object_queryset(self):
        return super().get_object_queryset().filter(session=self.kwargs["session_pk"])

    @property
    def photo(self):
        return self.scoped_object

    @property
    def session(self):
        return self.photo.session

    def get_visibility_object(self):
        return self.session

    def get_permission_object(self):
        return self.session

    def get_context_data(self, **kwargs):
        kwargs.setdefault("session", self.session)
        return super().get_context_data(**kwargs)


class PhotoFileView(PhotoMixin, TemplateView):
    """The image itself, for the project's members only: there is no public media URL."""

    permission_required = "workshops.view_photos"

    def get(self, request, *args, **kwargs):
        if self.photo.image_status != ImageStatus.READY:
            raise Http404  # as sent, it may still carry where and with what it was taken
        try:
            file = self.photo.image.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return private_file_response(
            file,
            content_type="image/jpeg",
            filename=f"session-{self.session.pk}-photo-{self.photo.pk}.jpg",
            attachment=False,
        )


class PhotoDeleteView(PhotoMixin, TemplateView):
    permission_required = "workshops.run_session"
    template_name = "workshops/closing/photo_confirm_delete.html"
    page_title = gettext_lazy("Delete photo")

    def post(self, request, *args, **kwargs):
        services.session_photo_delete(photo=self.photo)
        messages.success(request, _("Photo deleted."))
        return redirect("closing:session-photos", self.project.pk, self.session.pk)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PaymentPolicyView(ProjectMixin, FormView):
    permission_required = "workshops.manage_payment_policy"
    template_name = "workshops/closing/payment_policy_form.html"
    form_class = PaymentPolicyForm
    page_title = gettext_lazy("Payment policy")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.payment_policy_of(self.project)}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.payment_policy_save(project=self.project, **fields)
        messages.success(self.request, _("Payment policy saved."))
        return redirect("closing:payment-list", self.project.pk)


class OrganisationPaymentTermsView(OrganisationMixin, FormView):
    """An organisation admin sets the terms each new project's payment policy starts from."""

    permission_required = "projects.manage_organisation"
    template_name = "workshops/closing/organisation_payment_terms_form.html"
    form_class = OrganisationPaymentTermsForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": selectors.organisation_payment_terms(self.organisation),
        }

    def form_valid(self, form):
        services.organisation_payment_terms_save(
            organisation=self.organisation, **form.cleaned_data
        )
        messages.success(self.request, _("Payment terms saved. New projects start from them."))
        return redirect(self.organisation)


class RecognitionListView(FilteredListMixin, ProjectMixin, ListView):
    """Everyone's payments and expenses in the project, for facilitators."""

    permission_required = "workshops.view_project_recognition"
    template_name = "workshops/closing/recognition_list.html"
    page_title = gettext_lazy("Payments and expenses")
    filterset_class = PaymentFilter
    paginate_by = 25
    context_object_name = "recognitions"

    def get_unfiltered_queryset(self):
        return selectors.recognitions_for_project(self.project)


class PaymentsCsvView(ProjectMixin, View):
    """The project's payments for finance, as CSV, with the payments page's filters."""

    permission_required = "workshops.view_project_recognition"

    def get(self, request, *args, **kwargs):
        filterset = PaymentFilter(
            request.GET or None,
            queryset=selectors.recognitions_for_project(self.project),
            request=request,
            project=self.project,
        )
        if filterset.is_bound and not filterset.is_valid():
            # Named, not repeated: what was typed is never sent back.
            refused = ", ".join(str(filterset.form[name].label) for name in filterset.errors)
            return HttpResponseBadRequest(
                _("These filters could not be used: %(refused)s. Choose them on the payments page.")
                % {"refused": refused},
                content_type="text/plain; charset=utf-8",
            )
        header, rows = exports.payments(
            filterset.qs, tz=ZoneInfo(self.project.organisation.time_zone), with_names=True
        )

        def lines():
            writer = csv.writer(Echo())
            yield writer.writerow([csv_cell(cell) for cell in header])
            for row in rows:
                yield writer.writerow([csv_cell(cell) for cell in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="payments-project-{self.project.pk}.csv"'
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class RecognitionMixin(ProjectObjectMixin):
    """A view about one recognition record of the project: its person and facilitators see it."""

    model = Recognition
    object_url_kwarg = "recognition_pk"
    context_object_name = "recognition"
    project_lookup = "attendance__session__project"
    select_related = ("attendance__membership__user",)
    visibility_permission = "workshops.view_recognition"

    @property
    def recognition(self):
        return self.scoped_object


@method_decorator(sensitive_post_parameters(), name="dispatch")
class RecognitionUpdateView(RecognitionMixin, FormView):
    permission_required = "workshops.change_recognition"
    template_name = "workshops/closing/recognition_form.html"
    form_class = RecognitionForm
    page_title = gettext_lazy("Payment and expenses")

    @cached_property
    def expenses(self):
        return list(self.recognition.expenses.order_by("pk"))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "recognition": self.recognition,
            "expenses": self.expenses,
        }

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in RecognitionForm.base_fields}
        try:
            services.recognition_update(
                recognition=self.recognition,
                changed_by=self.request.user,
                expense_statuses=form.expense_statuses(),
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("closing:payment-list", self.project.pk)


class ReceiptView(RecognitionMixin, TemplateView):
    """A receipt, for the person who claimed and the project's facilitators."""

    @cached_property
    def expense(self):
        expense = get_object_or_404(
            ExpenseClaim, pk=self.kwargs["expense_pk"], recognition=self.recognition
        )
        if not expense.receipt or expense.receipt_status != ImageStatus.READY:
            raise Http404  # as sent, a photographed one may carry where it was taken
        return expense

    def get(self, request, *args, **kwargs):
        extension = self.expense.receipt.name.rsplit(".", 1)[-1]
        try:
            file = self.expense.receipt.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return private_file_response(
            file,
            content_type=RECEIPT_TYPES.get(extension, "application/octet-stream"),
            filename=f"receipt-{self.expense.pk}.{extension}",
            attachment=True,
        )


class MyPaymentsView(ProjectMixin, TemplateView):
    """A person's own payments and expenses in a project; nobody else's are ever listed."""

    template_name = "workshops/closing/my_payments.html"
    page_title = gettext_lazy("My payments and expenses")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recognitions=list(selectors.own_recognitions(self.request.user, self.project)),
            policy=selectors.payment_policy_of(self.project),
            **kwargs,
        )


@method_decorator(sensitive_post_parameters(), name="dispatch")
class RecognitionDeclineView(RecognitionMixin, TemplateView):
    permission_required = "workshops.decline_recognition"
    template_name = "workshops/closing/recognition_confirm_decline.html"
    page_title = gettext_lazy("Decline payment")

    def post(self, request, *args, **kwargs):
        try:
            services.recognition_decline(recognition=self.recognition, declined_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("You have declined this payment. You can still claim expenses.")
            )
        return redirect("closing:my-payments", self.project.pk)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ExpenseClaimAddView(RecognitionMixin, FormView):
    """A facilitator adds an expense claim for someone, for example a person they manage."""

    permission_required = "workshops.change_recognition"
    template_name = "workshops/closing/expense_claim_form.html"
    form_class = ExpenseClaimForm
    page_title = gettext_lazy("Claim an expense")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "policy": selectors.payment_policy_of(self.project)}

    def get_success_url(self):
        return self.recognition_url()

    def recognition_url(self):
        return reverse("closing:recognition-edit", args=[self.project.pk, self.recognition.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.recognition_url(), **kwargs)

    def form_valid(self, form):
        try:
            services.expense_claim_add(
                recognition=self.recognition,
                claimed_by=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Expense claimed."))
        return redirect(self.get_success_url())


class OwnExpenseClaimAddView(ExpenseClaimAddView):
    """A person claims an expense for a session they came to."""

    permission_required = "workshops.claim_own_expense"

    def recognition_url(self):
        return reverse("closing:my-payments", args=[self.project.pk])
