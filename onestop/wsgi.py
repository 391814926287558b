"""WSGI entry point, served by granian (``onestop serve``).

It refuses to load when the integrations' start-up checks fail (a sandbox SMS backend
outside the demo, say), however the server was started, and does the apps' start-up work
(``core.warmup``) before it answers. Pages kept for every signed-out reader are answered
again in front of Django (``core.frontcache``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
django_application = get_wsgi_application()

from onestop.core import warmup  # noqa: E402  (needs the apps)
from onestop.core.checks import refuse_to_start_unless_safe  # noqa: E402
from onestop.core.frontcache import FrontCache  # noqa: E402

refuse_to_start_unless_safe()
warmup.run()  # dictionaries loaded now, not on the first request that needs them
# Kept public pages answered again without Django's handler (core.frontcache).
application = FrontCache(django_application)
