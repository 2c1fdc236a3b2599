"""The JSON API: one NinjaAPI, one router per app, errors a person can act on."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import django_auth

from civicdesk.core.errors import ApplicationError

api = NinjaAPI(
    title="civicdesk API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=django_auth,
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code, **exc.extra}, status=exc.status
    )


@api.get("/ping", auth=None, tags=["meta"])
def ping(request: HttpRequest):
    """A bare JSON endpoint of the same stack: the baseline benchmarks compare against."""
    return {"pong": True}


from civicdesk.organisations.api import router as organisations_router  # noqa: E402

api.add_router("/organisations/", organisations_router)
from civicdesk.cases.api import router as cases_router  # noqa: E402

api.add_router("/cases/", cases_router)
api.add_router("/queues/", "civicdesk.queues.api.router")
from civicdesk.workforce.api import router as workforce_router  # noqa: E402

api.add_router("/workforce/", workforce_router)
api.add_router("/surveys/", "civicdesk.surveys.api.router")
api.add_router("/routing/", "civicdesk.routing.api.router")
api.add_router("/pledges/", "civicdesk.pledges.api.router")
