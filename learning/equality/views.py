"""Equality monitoring: a person's own optional answers, and who took part as counts."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from codesign.exports import csv_cell
from codesign.forms import put_errors_in_form
from codesign.mixins import PermissionMixin

from ..views import LearningMixin
from . import selectors, services
from .forms import EqualityForm, PopulationForm
from .models import EqualityResponse
from .questions import QUESTIONS


class EqualityFormView(PermissionMixin, FormView):
    """A person's own answers: asked with explicit consent, each question optional."""

    template_name = "learning/equality/equality_form.html"
    form_class = EqualityForm

    @cached_property
    def response(self):
        return EqualityResponse.objects.filter(user=self.request.user).first()

    def get_initial(self):
        if self.response is None:
            return {}
        return {"consent": True, **{q: getattr(self.response, q) for q in QUESTIONS}}

    def get_context_data(self, **kwargs):
        return super().get_context_data(response=self.response, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            services.equality_answer(
                user=self.request.user, consent=data.pop("consent"), answers=data
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you. Your answers are saved."))
        return redirect("learning:equality-form")


class EqualityDeleteView(PermissionMixin, TemplateView):
    template_name = "learning/equality/equality_confirm_delete.html"

    def post(self, request, *args, **kwargs):
        if services.equality_forget(user=request.user):
            messages.success(request, _("Your answers are deleted."))
        return redirect("learning:equality-form")


class EqualityReportMixin(LearningMixin):
    @cached_property
    def tables(self):
        return selectors.equality_tables(self.organisation, self.projects)


class EqualityReportView(EqualityReportMixin, TemplateView):
    template_name = "learning/equality/equality_report.html"
    page_title = gettext_lazy("Who took part")

    def get_context_data(self, **kwargs):
        return super().get_context_data(tables=self.tables, **kwargs)


class EqualityCsvView(EqualityReportMixin, View):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="who-took-part.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [_("Question"), _("Answer"), _("People"), _("Share"), _("Population"), _("Gap")]
        )
        for table in self.tables:
            for row in table.rows:
                writer.writerow(
                    csv_cell(value)
                    for value in (
                        table.label,
                        row.label,
                        row.shown,
                        row.share,
                        row.population,
                        row.gap,
                    )
                )
        return response


class PopulationView(LearningMixin, FormView):
    permission_required = "learning.manage_population"
    template_name = "learning/equality/population_form.html"
    form_class = PopulationForm
    page_title = gettext_lazy("The population you serve")

    @cached_property
    def question(self):
        asked = self.request.POST.get("question") or self.request.GET.get("question")
        return asked if asked in QUESTIONS else next(iter(QUESTIONS))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "question": self.question}

    def get_initial(self):
        shares = self.organisation.population_shares.filter(question=self.question)
        return {f"share_{share.answer}": share.percent for share in shares}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question_label=QUESTIONS[self.question][0],
            questions=[(q, label) for q, (label, _a) in QUESTIONS.items()],
            current=self.question,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.population_set(
                organisation=self.organisation,
                question=form.cleaned_data["question"],
                shares=form.shares(),
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The population's shares are saved."))
        return redirect(reverse("learning:equality-report", args=[self.organisation.pk]))
