from django.conf import settings

from teilhabe.core.release import RELEASE


def site(request):
    # RELEASE keys the cached pieces of the site's chrome (navigation, footer), so a new release shows its own.
    return {"TEILHABE_DEMO": settings.TEILHABE_DEMO, "RELEASE": RELEASE}
