import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView, TemplateView

from codesign.filters import FilteredListMixin
from codesign.mixins import PermissionMixin, ProjectMixin

from .filters import MessageFilter
from .letters import letters_pdf
from .models import InboundText, OutboxMessage
from .receiving import (
    bearer_token_valid,
    inbound_text_receive,
    letters_mark_posted,
    receipt_record,
)
from .services import outbox_retry


class MessageListView(FilteredListMixin, ProjectMixin, ListView):
    """The emails, texts and letters Codesign sent for a project, newest first, with what
    became of each and a count of the failures."""

    permission_required = "outbox.view_project_messages"
    template_name = "outbox/message_list.html"
    page_title = gettext_lazy("Messages sent")
    filterset_class = MessageFilter
    paginate_by = 50

    def get_unfiltered_queryset(self):
        return (
            OutboxMessage.objects.filter(project=self.project)
            .exclude(kind=OutboxMessage.Kind.JOB)
            .select_related("recipient")
            .defer("body_html", "attachments", "headers", "payload")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            problem_count=OutboxMessage.objects.filter(
                project=self.project,
                status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.UNCONFIRMED],
            ).count(),
            **kwargs,
        )


class MessageRetryView(ProjectMixin, TemplateView):
    permission_required = "outbox.view_project_messages"
    template_name = "outbox/message_confirm_retry.html"
    page_title = gettext_lazy("Send again")

    def get_message(self):
        return get_object_or_404(OutboxMessage, pk=self.kwargs["message_pk"], project=self.project)

    def get_context_data(self, **kwargs):
        return super().get_context_data(message=self.get_message(), **kwargs)

    def post(self, request, *args, **kwargs):
        message = self.get_message()
        if message.status != OutboxMessage.Status.FAILED:
            messages.error(request, _("Only failed messages can be sent again."))
        else:
            outbox_retry(message=message)
            messages.success(request, _("The message will be sent again."))
        return redirect("outbox:message-list", project_pk=self.project.pk)


class PrintQueueView(ProjectMixin, ListView):
    """The project's letters waiting to be printed and posted (without GOV.UK Notify)."""

    permission_required = "outbox.view_project_messages"
    template_name = "outbox/print_queue.html"
    page_title = gettext_lazy("Letters to post")
    paginate_by = 100

    def get_queryset(self):
        return OutboxMessage.objects.filter(
            project=self.project,
            kind=OutboxMessage.Kind.LETTER,
            route=OutboxMessage.Route.PRINT,
            posted_at__isnull=True,
        ).order_by("created_at", "pk")

    def get_context_data(self, **kwargs):
        posted = (
            OutboxMessage.objects.filter(
                project=self.project, kind=OutboxMessage.Kind.LETTER, posted_at__isnull=False
            )
            .select_related("posted_by")
            .order_by("-posted_at")[:20]
        )
        return super().get_context_data(posted=posted, **kwargs)


class PrintQueuePdfView(PrintQueueView):
    """The waiting letters as one A4 PDF, addresses placed for windowed envelopes."""

    def get(self, request, *args, **kwargs):
        letters = list(self.get_queryset()[:500])
        pdf = letters_pdf(letters, sender=self.project.organisation.name)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="letters-to-post.pdf"'
        return response


class PrintQueuePostedView(ProjectMixin, View):
    """Mark the ticked letters as posted (audited)."""

    permission_required = "outbox.view_project_messages"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        ids = [int(pk) for pk in request.POST.getlist("letter") if pk.isdigit()]
        posted = letters_mark_posted(project=self.project, message_ids=ids, user=request.user)
        if posted:
            messages.success(
                request,
                ngettext(
                    "%(n)s letter marked as posted.", "%(n)s letters marked as posted.", posted
                )
                % {"n": posted},
            )
        else:
            messages.error(request, _("Tick the letters you have posted."))
        return redirect("outbox:print-queue", project_pk=self.project.pk)


class InboundTextListView(ProjectMixin, ListView):
    """Texts people in the project sent that could not be read as a reply."""

    permission_required = "outbox.view_project_messages"
    template_name = "outbox/inbound_text_list.html"
    page_title = gettext_lazy("Texts we could not match")
    paginate_by = 50

    def get_queryset(self):
        return (
            InboundText.objects.filter(project=self.project)
            .exclude(outcome=InboundText.Outcome.ANSWERED)
            .select_related("sender")
        )


class UnknownTextListView(PermissionMixin, ListView):
    """Texts from numbers that belong to nobody here: each got one helpful reply, and the
    site's staff see them here so that none is silently dropped."""

    visibility_permission = "outbox.view_unknown_texts"
    template_name = "outbox/unknown_text_list.html"
    paginate_by = 50

    def get_queryset(self):
        return InboundText.objects.filter(outcome=InboundText.Outcome.UNKNOWN)


@method_decorator(csrf_exempt, name="dispatch")
class NotifyCallbackView(View):
    """GOV.UK Notify's callbacks: delivery receipts and texts people send in. Both carry the
    bearer token set in NOTIFY_CALLBACK_TOKEN; without it, 401 and nothing changes."""

    http_method_names = ["post"]
    handler = None

    def post(self, request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not bearer_token_valid(header, settings.NOTIFY_CALLBACK_TOKEN):
            return JsonResponse({"error": "unauthorised"}, status=401)
        try:
            data = json.loads(request.body)
            if not isinstance(data, dict):
                raise ValueError
            type(self).handler(data=data)
        except ValueError:
            return JsonResponse({"error": "bad request"}, status=400)
        return JsonResponse({"ok": True})


class NotifyReceiptView(NotifyCallbackView):
    handler = staticmethod(receipt_record)


class NotifyInboundView(NotifyCallbackView):
    handler = staticmethod(inbound_text_receive)
