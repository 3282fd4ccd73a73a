from django.urls import path

from teilhabe.administration import views

app_name = "administration"
urlpatterns = [
    # == queue and routing (department queues, coordinators' routing screen) ==
    # == contribution work page (statements, dispositions, notes) ==
    # == notifications (unsubscribe, opt-in) ==
    # == consideration table ==
]
