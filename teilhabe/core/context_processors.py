from django.conf import settings


def site(request):
    return {"TEILHABE_DEMO": settings.TEILHABE_DEMO}
