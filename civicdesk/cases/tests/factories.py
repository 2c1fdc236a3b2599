import factory

from civicdesk.cases.models import Category, ServiceStandard
from civicdesk.organisations.tests.factories import AgencyFactory, DepartmentFactory

# The smallest valid JPEG header: enough for the type check.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


class ServiceStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceStandard

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Standard {n}")
    acknowledge_within_hours = 8
    reply_within_days = 10
    interim_reply_after_days = 5


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.LazyAttribute(lambda o: f"Category {o.code}")
    department = factory.SubFactory(DepartmentFactory, agency=factory.SelfAttribute("..agency"))
    standard = factory.SubFactory(ServiceStandardFactory, agency=factory.SelfAttribute("..agency"))
