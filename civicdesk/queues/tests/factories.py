import factory

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues.models import Counter, Service


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    prefix = factory.Sequence(lambda n: "ABCDEFGHJKLMNPQRSTUVWXYZ"[n % 24])
    default_service_minutes = 10


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: str(n + 1))

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.services.set(extracted)
