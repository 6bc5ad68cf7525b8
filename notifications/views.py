"""The bell's list, marking read, email choices, and the unsubscribe link's page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView

from codesign.filters import PagedListMixin
from codesign.views import safe_next

from .categories import EmailCategory
from .forms import EmailPreferencesForm
from .models import Notification
from .preferences import unsubscribe_token_read
from .selectors import email_preferences_of, notifications_of
from .services import (
    email_category_switch_off,
    email_preferences_update,
    notification_mark_read,
    notifications_mark_all_read,
)


def _back(request):
    """Where to go after marking read: a page of this site the form names, or the list."""
    return redirect(safe_next(request) or "notifications:notification-list")


class NotificationListView(LoginRequiredMixin, PagedListMixin, ListView):
    """A person's own notifications, newest first."""

    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return notifications_of(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_unread"] = any(n.read_at is None for n in context["notifications"])
        return context


class NotificationReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, notification_pk):
        # Someone else's notification is not found: ids reveal nothing.
        notification = get_object_or_404(Notification, pk=notification_pk, user=request.user)
        notification_mark_read(notification=notification)
        return _back(request)


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if notifications_mark_all_read(user=request.user):
            messages.success(request, _("All your notifications are marked read."))
        return _back(request)


class EmailPreferencesView(LoginRequiredMixin, FormView):
    """Switch each category of email on or off."""

    template_name = "notifications/emailpreference_form.html"
    form_class = EmailPreferencesForm
    success_url = reverse_lazy("notifications:email-preferences")

    def get_initial(self):
        return email_preferences_of(self.request.user)

    def form_valid(self, form):
        email_preferences_update(user=self.request.user, choices=form.cleaned_data)
        messages.success(self.request, _("Your email choices are saved."))
        return super().form_valid(form)


# The signed token is the authority here, not a session: a mail provider's one-click POST
# (RFC 8058) comes without cookies. Forging a POST gains nothing without a token, and a token
# only ever switches its own person's category off.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TemplateView):
    """An unsubscribe link: a GET shows a button and changes nothing (mail scanners follow
    links), a POST (the button, or a mail provider's one-click request) switches it off."""

    template_name = "notifications/emailpreference_unsubscribe.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        named = unsubscribe_token_read(kwargs["token"])
        if named is None:
            raise Http404
        user_id, category = named
        # Anyone an email reached may stop that kind of email, signed up or not; a deleted
        # account has no emails left to stop.
        self.person = get_user_model().objects.filter(pk=user_id, deleted_at=None).first()
        if self.person is None:
            raise Http404
        self.category = EmailCategory(category)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category,
            switched_off=not email_preferences_of(self.person)[self.category],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        email_category_switch_off(user=self.person, category=self.category)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            # A mail provider's request: answer it directly, there is nobody to redirect.
            return self.render_to_response(self.get_context_data())
        # The page, asked again, now says that these emails are off.
        return redirect(request.path)
