"""Coordinators configure their processes in the Django admin, and see only the processes they coordinate."""

from django.urls import reverse

from teilhabe.conftest import make_process


def test_coordinator_configures_own_processes_only(client, personas, process, closed_process, city):
    other = make_process(city, slug="fremd")
    client.force_login(personas["coordinator"])
    listing = client.get(reverse("admin:processes_process_changelist"))
    assert listing.status_code == 200
    shown = list(listing.context["cl"].result_list)
    assert process in shown and other not in shown
    assert client.get(reverse("admin:processes_process_change", args=[process.pk])).status_code == 200
    assert client.get(reverse("admin:processes_process_change", args=[other.pk])).status_code == 302  # not found
    phases = client.get(reverse("admin:processes_phase_changelist"))
    assert {phase.process for phase in phases.context["cl"].result_list} == {process, closed_process}


def test_participants_and_administrators_have_no_say_over_processes(client, personas, process):
    client.force_login(personas["participant"])
    assert client.get(reverse("admin:processes_process_changelist")).status_code == 302  # to the admin login
    client.force_login(personas["administrator"])
    response = client.get(reverse("admin:processes_process_change", args=[process.pk]))
    assert response.status_code in (302, 403)
