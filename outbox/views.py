from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from codesign.mixins import ProjectMixin

from .models import OutboxMessage
from .services import outbox_retry


class MessageListView(ProjectMixin, TemplateView):
    """The emails Codesign sent for a project, with failures first."""

    permission_required = "outbox.view_project_messages"
    template_name = "outbox/message_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        messages_qs = OutboxMessage.objects.filter(
            project=self.project, kind=OutboxMessage.Kind.EMAIL
        ).only("to", "subject", "status", "attempts", "created_at", "sent_at", "last_error")
        if status in OutboxMessage.Status.values:
            messages_qs = messages_qs.filter(status=status)
        context.update(
            page_obj=Paginator(messages_qs, 50).get_page(self.request.GET.get("page")),
            status=status,
            filter_query=urlencode({"status": status}) if status else "",
            statuses=OutboxMessage.Status.choices,
            problem_count=OutboxMessage.objects.filter(
                project=self.project,
                status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.UNCONFIRMED],
            ).count(),
        )
        return context


class MessageRetryView(ProjectMixin, TemplateView):
    permission_required = "outbox.view_project_messages"
    template_name = "outbox/message_confirm_retry.html"

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
