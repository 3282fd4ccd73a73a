import time

from django.conf import settings

# Cached pieces of the site's chrome (navigation, footer) carry the start of this server process in their key,
# so that a new release never shows the previous one's texts.
CHROME_VERSION = str(time.time_ns())


def site(request):
    return {"TEILHABE_DEMO": settings.TEILHABE_DEMO, "CHROME_VERSION": CHROME_VERSION}
