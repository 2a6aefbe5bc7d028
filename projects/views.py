"""Partner pages: Change Order (pick the receiving account), project list and project record page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.selectors import account_list
from core.errors import ApplicationError
from core.views import is_table_refresh, paginate, partner_required
from projects.forms import ChangeOrderForm, ProjectFilterForm
from projects.models import ProjectStatus
from projects.selectors import project_get, project_list
from projects.services import project_create_change_order
from quotes.selectors import quote_list


@partner_required
def change_order_view(request: HttpRequest) -> HttpResponse:
    """Choose the Account Name that receives the devices, then Next creates the project."""
    partner = request.user.partner
    search = request.GET.get("q", "").strip()[:100]
    form = ChangeOrderForm(request.POST if request.method == "POST" else None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create_change_order(user=request.user, account=form.cleaned_data["account"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Project “{project.title}” created. Next: Create Quote.")
            return redirect("projects:detail", project_id=project.pk)
    accounts = paginate(request, account_list(partner=partner, search=search))
    selected = str(form["account"].value() or "")
    context = {"nav": "home", "form": form, "page_obj": accounts, "search": search, "selected": selected}
    template = "projects/_account_picker.html" if is_table_refresh(request) else "projects/change_order.html"
    return render(request, template, context)


@partner_required
def project_list_view(request: HttpRequest) -> HttpResponse:
    partner = request.user.partner
    form = ProjectFilterForm(request.GET or None)
    search, status = (form.cleaned_data["q"], form.cleaned_data["status"]) if form.is_valid() else ("", "")
    ordering = request.GET.get("sort", "-created_at")
    page = paginate(request, project_list(partner=partner, search=search, status=status, ordering=ordering))
    context = {"nav": "projects", "form": form, "page_obj": page, "search": search, "status": status,
               "ordering": ordering, "statuses": ProjectStatus.choices}
    template = "projects/_project_table.html" if is_table_refresh(request) else "projects/project_list.html"
    return render(request, template, context)


@partner_required
def project_detail_view(request: HttpRequest, project_id: int) -> HttpResponse:
    partner = request.user.partner
    project = project_get(partner=partner, project_id=project_id)
    quotes = paginate(request, quote_list(partner=partner, project_id=project.pk), param="quotes_page")
    context = {"nav": "projects", "project": project, "quotes_page": quotes,
               "can_create_quote": project.status == ProjectStatus.OPEN}
    return render(request, "projects/project_detail.html", context)
