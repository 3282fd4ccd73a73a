"""The benchmark's profile mode: each interval of a request is counted once, for the innermost category open."""

import pytest
from django.core.cache import cache
from django.template import engines
from django.template.base import Template

from benchmarks import profiling


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def spend(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    clock = FakeTime()
    monkeypatch.setattr(profiling.time, "perf_counter", clock)
    return clock


def test_nested_categories_count_for_the_innermost_and_add_up_to_the_wall_time(fake_time):
    clock = profiling.CategoryClock()

    def run_sql():
        fake_time.spend(0.003)

    def translate():
        fake_time.spend(0.001)

    def render():
        fake_time.spend(0.010)
        sql()  # a queryset evaluated by the template
        fake_time.spend(0.002)
        gettext()
        render_include()

    sql = clock.wrap(run_sql, "sql")
    gettext = clock.wrap(translate, "translation")
    render_include = clock.wrap(lambda: fake_time.spend(0.004), "templates")
    template = clock.wrap(render, "templates")

    clock.start()
    fake_time.spend(0.005)  # middleware, view
    template()
    sql()  # a query of the view
    fake_time.spend(0.001)
    clock.stop()

    seconds = {category: round(value, 6) for category, value in clock.seconds.items()}
    assert seconds == {"other": 0.006, "templates": 0.016, "sql": 0.006, "translation": 0.001}
    assert sum(clock.seconds.values()) == pytest.approx(0.029)
    assert clock.calls == {"templates": 2, "sql": 2, "translation": 1}


def test_outside_a_measured_request_nothing_is_counted(fake_time):
    clock = profiling.CategoryClock()
    wrapped = clock.wrap(lambda: fake_time.spend(1.0), "cache")
    wrapped()  # e.g. cache.clear() between requests
    assert dict(clock.seconds) == {}


def test_the_entry_points_are_wrapped_while_measuring_and_restored_afterwards():
    original_render = Template.__dict__["render"]
    cache_class = type(cache)
    inherited_get_many = "get_many" not in vars(cache_class)
    clock = profiling.CategoryClock()
    with profiling.Instrumented(clock):
        assert Template.__dict__["render"] is not original_render
        clock.start()
        html = engines["django"].from_string("{% load i18n %}{% translate 'Home' %}").render({})
        cache.get_many(["bench-profile-test"])
        clock.stop()
    assert html
    assert clock.calls["templates"] >= 1
    assert clock.calls["translation"] >= 1
    assert clock.calls["cache"] >= 1
    assert Template.__dict__["render"] is original_render
    assert ("get_many" not in vars(cache_class)) is inherited_get_many
