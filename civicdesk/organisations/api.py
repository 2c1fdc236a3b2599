from ninja import Router, Schema

from civicdesk.organisations.selectors import agency_list_public, site_list_public

router = Router(tags=["organisations"])


class AgencyOut(Schema):
    code: str
    name: str
    languages: list[str]
    website: str


class SiteOut(Schema):
    agency: str
    code: str
    name: str
    address: str
    timezone: str
    opening_hours: dict


@router.get("/agencies", response=list[AgencyOut], auth=None)
def list_agencies(request):
    return list(agency_list_public())


@router.get("/sites", response=list[SiteOut], auth=None)
def list_sites(request):
    return [
        SiteOut(
            agency=s.agency.code,
            code=s.code,
            name=s.name,
            address=s.address,
            timezone=s.timezone,
            opening_hours=s.opening_hours,
        )
        for s in site_list_public()
    ]
