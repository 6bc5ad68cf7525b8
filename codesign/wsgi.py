import os

from django.core.wsgi import get_wsgi_application

from codesign import garbage

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings.dev")

application = get_wsgi_application()
garbage.for_requests()
