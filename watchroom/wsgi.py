import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchroom.settings")
_django = get_wsgi_application()

from watchroom.incidents.fastpath import IntakeFastPath  # noqa: E402 - needs the settings above

# the canonical single alarm POST is served ahead of Django's middleware (incidents/fastpath.py)
application = IntakeFastPath(_django)
