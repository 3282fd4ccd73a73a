"""Settings of the bench's gunicorn servers: production's, from the environment the bench sets.

teilhabe.settings reads DEBUG off, the bench database, REDIS_URL and the rest from the environment (see
config.configure and throughput.py); only the static files storage is the plain one, as in the in-process
timing, so that ``{% static %}`` works without a collected manifest. TEILHABE_PAGE_CACHE=0/1 switches the
whole-page cache for anonymous visitors (where the code has one).
"""

from teilhabe.settings import *  # noqa: F403
from teilhabe.settings import STORAGES, envbool

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
TEILHABE_PAGE_CACHE = envbool("TEILHABE_PAGE_CACHE", True)
