import pytest

from civicdesk.insights.tests.factories import rent_office, roster_short_here_spare_there


@pytest.fixture
def offices(agency):
    """Two offices of one agency: the north short and the south spare on the same day."""
    north, south = rent_office(agency, "North Office"), rent_office(agency, "South Office")
    day = roster_short_here_spare_there(north, south)
    return {"north": north, "south": south, "day": day}
