from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from codesign.filters import FilteredListMixin
from codesign.mixins import ProjectMixin

from .filters import MessageFilter
from .models import OutboxMessage
from .services import outbox_retry


class MessageListView(FilteredListMixin, ProjectMixin, ListView):
    """The emails Codesign sent for a project, newest first, with a count of the failures."""

    permission_required = "outbox.view_project_messages"
    template_name = "outbox/message_list.html"
    page_title = gettext_lazy("Emails sent")
    filterset_class = MessageFilter
    paginate_by = 50

    def get_unfiltered_queryset(self):
        return OutboxMessage.objects.filter(
            project=self.project, kind=OutboxMessage.Kind.EMAIL
        ).only("to", "subject", "status", "attempts", "created_at", "sent_at", "last_error")

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
