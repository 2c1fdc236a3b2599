from django.http import HttpRequest


def civicdesk(request: HttpRequest) -> dict:
    profile = getattr(getattr(request, "user", None), "staff_profile", None)
    agency = profile.agency if profile is not None else None
    return {
        # In the reader's language, as the agency is named on the pages themselves.
        "brand_name": agency.display_name if agency else "civicdesk",
        "brand_colour": agency.colour if agency else "#0b0c0c",
        "staff_profile": profile,
    }
