import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.config.settings.local")
django_application = get_asgi_application()

from civicdesk.live.asgi import with_live_streams  # noqa: E402  (needs Django set up)

# The public live streams (ticket pages, display boards) skip Django's request cycle.
application = with_live_streams(django_application)
