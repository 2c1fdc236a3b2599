import factory

from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.open311.models import ApiKey, Datatype, ServiceAttribute


class ApiKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiKey
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Client {n}")
    agency = None

    @factory.post_generation
    def key(obj, create, extracted, **kwargs):
        obj.set_key(extracted or f"key-{obj.name}")
        if create:
            obj.save()


class ServiceAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"attr{n}")
    datatype = Datatype.STRING
    description = "A question"
