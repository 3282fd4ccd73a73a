from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render

from teilhabe.demo.selectors import demo_mails_recent


def mailbox_view(request):
    """The demo mailbox: the mails of the last hour, so that a visitor can open their confirmation links."""
    hosts = {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}
    return render(request, "demo/mailbox.html", {"mails": demo_mails_recent(hosts=hosts)})
