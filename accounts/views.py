from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from codesign.bilingual import EASY_READ_SESSION_KEY
from codesign.languages import known
from codesign.views import safe_next

from . import services


class EasyReadView(View):
    """Show easy read first, or the full text: kept on the person's account when signed in,
    for this visit otherwise. Open to everyone, like a language switcher."""

    http_method_names = ["post"]

    def post(self, request):
        easy_read = bool(request.POST.get("easy_read"))
        if request.user.is_authenticated:
            services.user_set_easy_read(user=request.user, easy_read=easy_read)
        else:
            request.session[EASY_READ_SESSION_KEY] = easy_read
        return HttpResponseRedirect(safe_next(request, reverse("home")))


@require_POST
def language_set(request):
    """The language switcher: Django's own ``set_language`` (a cookie, then back to the page),
    and for a person who is signed in, the choice saved on their account too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and known(language):
        services.user_language_set(user=request.user, language=language)
    return response
