import factory

from civicdesk.core.clock import now
from civicdesk.organisations.tests.factories import AgencyFactory
from civicdesk.surveys.models import Response, Source
from civicdesk.surveys.services import survey_create_default


class ResponseFactory(factory.django.DjangoModelFactory):
    """A stored response without an invitation (history); pass csat/nps/ces and context."""

    class Meta:
        model = Response

    agency = factory.SubFactory(AgencyFactory)
    version = factory.LazyAttribute(
        lambda o: survey_create_default(agency=o.agency).current_version
    )
    answered_at = factory.LazyFunction(now)
    source = Source.DEMO
