"""The throughput yardstick: a minimal Django project whose one view returns a fixed 20 KB HTML page.

Run by the bench under the same gunicorn settings as the project (``benchmarks.trivial:application``): no
middleware, no database, no templates, no sessions — what Django and gunicorn can serve at best on this machine,
so that a page's requests per second can be read as a fraction of that limit.
"""

from django.conf import settings

SIZE = 20 * 1024
_HEAD = b'<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8"><title>trivial</title></head><body>\n'
_TAIL = b"</body></html>\n"
_LINE = b"<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.</p>\n"
_FILL = SIZE - len(_HEAD) - len(_TAIL)
BODY = _HEAD + (_LINE * (_FILL // len(_LINE) + 1))[:_FILL] + _TAIL

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-trivial-not-secret-" + "t" * 40,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_I18N=False,
    )


def page(request):
    from django.http import HttpResponse

    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


from django.core.wsgi import get_wsgi_application  # noqa: E402 - after settings.configure
from django.urls import path  # noqa: E402

urlpatterns = [path("", page)]
application = get_wsgi_application()
