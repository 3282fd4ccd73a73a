"""The councils' URLs: public pages under /p/<slug>/beiraete/, members' and coordinators' under /verwaltung/."""

from django.urls import path

from teilhabe.councils import views

app_name = "councils"

urlpatterns = [
    path("p/<slug:slug>/beiraete/", views.council_list_view, name="list"),
    path("p/<slug:slug>/beiraete/<str:number>/", views.district_view, name="district"),
    path("p/<slug:slug>/beiraete/<str:number>/sitzungen/<str:pk>/", views.session_view, name="session"),
    path("p/<slug:slug>/beiraete/<str:number>/befragung/<str:pk>/", views.consultation_view, name="consultation"),
    path(
        "p/<slug:slug>/beiraete/<str:number>/mitglieder/<str:member>/foto",
        views.member_photo_view,
        name="member_photo",
    ),
    path("verwaltung/beiraete/", views.my_councils_view, name="mine"),
    path("verwaltung/beiraete/haushalt/<str:city>/<str:year>/", views.city_budget_view, name="city_budget"),
    path("verwaltung/beiraete/<str:pk>/", views.space_view, name="space"),
    path("verwaltung/beiraete/<str:pk>/budget/<str:year>/", views.space_budget_view, name="space_budget"),
    path("verwaltung/beiraete/<str:pk>/jahresbericht/<str:year>.pdf", views.annual_report_view, name="annual_report"),
    path("verwaltung/beiraete/<str:pk>/mitglieder/<str:member>/", views.membership_view, name="membership"),
    path(
        "verwaltung/beiraete/<str:pk>/mitglieder/<str:member>/foto/",
        views.membership_photo_view,
        name="membership_photo",
    ),
    path(
        "verwaltung/beiraete/<str:pk>/mitglieder/<str:member>/entfernen/",
        views.membership_remove_view,
        name="membership_remove",
    ),
    path("verwaltung/beiraete/<str:pk>/sitzungen/<str:session>/", views.session_agenda_view, name="session_agenda"),
    path(
        "verwaltung/beiraete/<str:pk>/sitzungen/<str:session>/anwesenheit/",
        views.attendance_view,
        name="session_attendance",
    ),
    path("verwaltung/beiraete/<str:pk>/stellungnahmen/neu/", views.position_new_view, name="position_new"),
    path("verwaltung/beiraete/<str:pk>/stellungnahmen/<str:position>/", views.position_view, name="position"),
    path(
        "verwaltung/beiraete/<str:pk>/sitzungen/<str:session>/punkte/<str:item>/beschluss/",
        views.agenda_decision_view,
        name="agenda_decision",
    ),
    path("verwaltung/beiraete/<str:pk>/befragungen/neu/", views.consultation_new_view, name="consultation_new"),
    path(
        "verwaltung/beiraete/<str:pk>/befragungen/<str:consultation>/",
        views.consultation_work_view,
        name="consultation_work",
    ),
]
