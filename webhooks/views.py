"""An organisation's webhooks, for its admins: list, add, change, pause, replace the secret,
delete, and see what was delivered (with a way to send a failed delivery again)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from codesign.mixins import OrganisationMixin, ScopedObjectMixin

from . import selectors, services
from .forms import WebhookEndpointForm
from .models import WebhookDelivery, WebhookEndpoint

# The secret is shown once, on the page the admin lands on after making or replacing it.
SHOWN_ONCE = "webhooks-shown-once"


class WebhooksMixin(OrganisationMixin):
    permission_required = "webhooks.manage_webhooks"


class EndpointMixin(ScopedObjectMixin, WebhooksMixin):
    model = WebhookEndpoint
    object_url_kwarg = "endpoint_pk"
    context_object_name = "endpoint"

    def get_object_scope(self) -> dict:
        return {"organisation": self.organisation}

    @property
    def endpoint(self) -> WebhookEndpoint:
        return self.scoped_object


def _show_secret_once(request, endpoint: WebhookEndpoint, secret: str) -> None:
    request.session[SHOWN_ONCE] = {"endpoint": endpoint.pk, "secret": secret}


class EndpointListView(WebhooksMixin, TemplateView):
    template_name = "webhooks/endpoint_list.html"

    def get_context_data(self, **kwargs):
        endpoints = selectors.organisation_endpoints(self.organisation)
        return super().get_context_data(endpoints=endpoints, **kwargs)


class EndpointCreateView(WebhooksMixin, FormView):
    template_name = "webhooks/endpoint_form.html"
    form_class = WebhookEndpointForm

    def form_valid(self, form):
        endpoint, secret = services.webhook_endpoint_create(
            organisation=self.organisation, changed_by=self.request.user, **form.cleaned_data
        )
        _show_secret_once(self.request, endpoint, secret)
        messages.success(self.request, _("Webhook added. Copy its signing secret now."))
        return redirect(endpoint)


class EndpointDetailView(EndpointMixin, TemplateView):
    template_name = "webhooks/endpoint_detail.html"

    def get_context_data(self, **kwargs):
        shown = self.request.session.get(SHOWN_ONCE) or {}
        secret = ""
        if shown.get("endpoint") == self.endpoint.pk:
            secret = self.request.session.pop(SHOWN_ONCE)["secret"]
        return super().get_context_data(
            secret=secret,
            deliveries=selectors.recent_deliveries(self.endpoint),
            **kwargs,
        )


class EndpointUpdateView(EndpointMixin, FormView):
    template_name = "webhooks/endpoint_form.html"
    form_class = WebhookEndpointForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.endpoint}

    def form_valid(self, form):
        services.webhook_endpoint_update(
            endpoint=self.endpoint, changed_by=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, _("Webhook saved."))
        return redirect(self.endpoint)


class EndpointConfirmView(EndpointMixin, TemplateView):
    """A question about one endpoint, asked on the one confirm page, done by its POST."""

    template_name = "webhooks/endpoint_confirm.html"
    heading = ""
    question = ""
    submit_label = ""
    submit_class = "btn-danger"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading,
            question=self.question,
            submit_label=self.submit_label,
            submit_class=self.submit_class,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        return self.act()


class EndpointPauseView(EndpointConfirmView):
    submit_class = "btn-primary"

    def get_context_data(self, **kwargs):
        if self.endpoint.paused:
            self.heading = _("Resume this webhook")
            self.question = _("Events from now on will be sent to it again.")
            self.submit_label = _("Resume")
        else:
            self.heading = _("Pause this webhook")
            self.question = _(
                "No new events will be sent to it until you resume it. Deliveries already on "
                "their way are still tried."
            )
            self.submit_label = _("Pause")
        return super().get_context_data(**kwargs)

    def act(self):
        paused = not self.endpoint.paused
        services.webhook_endpoint_set_paused(
            endpoint=self.endpoint, paused=paused, changed_by=self.request.user
        )
        messages.success(self.request, _("Webhook paused.") if paused else _("Webhook resumed."))
        return redirect(self.endpoint)


class EndpointSecretView(EndpointConfirmView):
    heading = gettext_lazy("Replace the signing secret")
    question = gettext_lazy(
        "The new secret is shown once. Your system must use it from now on: deliveries signed "
        "with the old one stop."
    )
    submit_label = gettext_lazy("Replace the secret")

    def act(self):
        secret = services.webhook_secret_replace(
            endpoint=self.endpoint, changed_by=self.request.user
        )
        _show_secret_once(self.request, self.endpoint, secret)
        messages.success(self.request, _("Signing secret replaced. Copy it now."))
        return redirect(self.endpoint)


class EndpointDeleteView(EndpointConfirmView):
    heading = gettext_lazy("Delete this webhook")
    question = gettext_lazy(
        "No more events will be sent to it, and its record of deliveries is deleted with it."
    )
    submit_label = gettext_lazy("Delete webhook")

    def act(self):
        services.webhook_endpoint_delete(endpoint=self.endpoint, changed_by=self.request.user)
        messages.success(self.request, _("Webhook deleted."))
        return redirect("webhooks:endpoint-list", self.organisation.pk)


class EndpointPingView(EndpointMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.webhook_ping(endpoint=self.endpoint)
        messages.success(request, _("A test event is on its way: its outcome shows below."))
        return redirect(self.endpoint)


class DeliveryRetryView(EndpointMixin, View):
    http_method_names = ["post"]

    @cached_property
    def delivery(self) -> WebhookDelivery:
        return get_object_or_404(
            WebhookDelivery, pk=self.kwargs["delivery_pk"], endpoint=self.endpoint
        )

    def post(self, request, *args, **kwargs):
        delivery = services.webhook_delivery_retry(delivery=self.delivery)
        if delivery.status == WebhookDelivery.Status.PENDING:
            messages.success(request, _("The delivery will be sent again."))
        return redirect(self.endpoint)
