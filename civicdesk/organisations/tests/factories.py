import factory
from django.contrib.auth import get_user_model

from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
from civicdesk.organisations.roles import Role

TEST_PASSWORD = "correct horse battery staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    languages = factory.LazyFunction(lambda: ["en", "zh-hant"])
    office_hours = factory.LazyFunction(lambda: {str(d): [["09:00", "17:00"]] for d in range(5)})
    timezone = "Asia/Hong_Kong"
    holiday_country = "HK"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.LazyAttribute(lambda o: f"Department {o.code}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")
    address = "1 Test Street"
    opening_hours = factory.LazyFunction(lambda: {str(d): [["09:00", "17:00"]] for d in range(5)})
    timezone = "Asia/Hong_Kong"
    holiday_country = "HK"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member; pass departments=[...] / sites=[...] to place them in units."""

    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.FRONTLINE
    display_name = factory.LazyAttribute(lambda o: f"Staff {o.user.username}")

    @factory.post_generation
    def departments(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.departments.set(extracted)

    @factory.post_generation
    def sites(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sites.set(extracted)
