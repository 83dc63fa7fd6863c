"""factory_boy factories. Goals, units and metrics are created through the services, so the
tree module and the rules run exactly as in production."""

from datetime import date

import factory
from django.contrib.auth.hashers import make_password

from apps.cycles.models import Cycle
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer, Metric
from apps.org import services as org_services
from apps.org.models import Person, Unit

PASSWORD = "a-long-test-password-1"
_HASHED = make_password(PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = Unit.Kind.TEAM
    parent = None
    lead = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return org_services.unit_create(actor=None, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    name = factory.LazyAttribute(lambda o: o.username.title())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Person.Role.EMPLOYEE
    unit = factory.SubFactory(UnitFactory)
    password = _HASHED


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Cycle {n}")
    start = date(2027, 1, 1)
    end = date(2027, 12, 31)
    status = Cycle.Status.ACTIVE


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Goal {n}")
    layer = Layer.INTENT
    parent = None
    cycle = factory.LazyAttribute(lambda o: o.parent.cycle if o.parent else CycleFactory(name="FY2027"))
    unit = factory.LazyAttribute(lambda o: o.parent.unit if o.parent else UnitFactory())
    owner = factory.LazyAttribute(lambda o: PersonFactory(unit=o.unit))
    status = GoalStatus.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return goal_services.goal_create(actor=None, **kwargs)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    goal = factory.SubFactory(GoalFactory)
    name = factory.Sequence(lambda n: f"Metric {n}")
    start = 0
    target = 100
    current = None
    weight = 1.0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return goal_services.metric_create(actor=None, **kwargs)


def cascade(*, depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL, Layer.OPERATIONAL, Layer.PERSONAL), **kwargs):
    """A single chain of goals, one per layer, returned top-down."""
    chain, parent = [], None
    for layer in depth_layers:
        parent = GoalFactory(layer=layer, parent=parent, **kwargs)
        chain.append(parent)
    return chain
