from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from civicdesk.audit.details import audit_details
from civicdesk.audit.selectors import audit_list_for
from civicdesk.organisations.permissions import Access, Area, require


@login_required
def audit_log(request):
    require(request.user, Area.AUDIT, Access.READ)
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("action", "who", "target")}
    page = Paginator(audit_list_for(request.user, **filters), 50).get_page(request.GET.get("page"))
    page.object_list = audit_details(page.object_list)
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "audit/log.html", {"page": page, "filters": filters, "query": query})
