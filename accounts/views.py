from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View

from codesign.bilingual import EASY_READ_SESSION_KEY
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
