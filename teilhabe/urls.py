from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from teilhabe.core import views as core_views
from teilhabe.core.ratelimit import too_many_requests

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("", include("teilhabe.core.urls")),
    path("", include("teilhabe.pages.urls")),
    path("", include("teilhabe.contributions.urls")),
    path("", include("teilhabe.administration.urls")),
    path("", include("teilhabe.events.urls")),
    path("", include("teilhabe.plan.urls")),
    path("", include("teilhabe.competitions.urls")),
    path("", include("teilhabe.councils.urls")),
    path("", include("teilhabe.paper.urls")),
    path("", include("teilhabe.analog.urls")),
    path("", include("teilhabe.imports.urls")),
    path("", include("teilhabe.stakeholders.urls")),
    path("", include("teilhabe.involvement.urls")),
    path("", include("teilhabe.reports.urls")),
    path("", include("teilhabe.profiles.urls")),
    path("", include("teilhabe.monitoring.urls")),
    path("", include("teilhabe.evaluation.urls")),
]
if settings.TEILHABE_DEMO:  # demo-only pages (the mailbox) do not exist in production
    urlpatterns.append(path("demo/", include("teilhabe.demo.urls")))

handler400 = core_views.error_400
handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500
handler429 = too_many_requests  # allauth's rate limits answer with this view
