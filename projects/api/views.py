"""Projects over REST v1: start a Change Order, list and read projects."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import account_get
from core.api import PartnerScopedMixin, error_responses, list_error_responses
from projects.api.serializers import ChangeOrderInputSerializer, ProjectFilterSerializer, ProjectSerializer
from projects.models import Project
from projects.selectors import project_get, project_list
from projects.services import project_create_change_order


class ChangeOrderCreateApi(PartnerScopedMixin, APIView):
    """Start a Change Order for the account that will receive the devices."""

    @extend_schema(
        operation_id="change_orders_create",
        request=ChangeOrderInputSerializer,
        responses={201: ProjectSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        data = ChangeOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = account_get(partner=self.partner, account_id=data.validated_data["account"])
        project = project_create_change_order(user=request.user, account=account)
        project = project_list(partner=self.partner).get(pk=project.pk)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[ProjectFilterSerializer], responses={200: ProjectSerializer,
                                                                **list_error_responses()})
class ProjectListApi(PartnerScopedMixin, generics.ListAPIView):
    """The partner's projects, newest first; `search` matches the title or the account name."""

    serializer_class = ProjectSerializer
    queryset = Project.objects.none()

    def get_queryset(self):
        filters = ProjectFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return project_list(partner=self.partner, search=data.get("search", ""), status=data.get("status", ""),
                            account_id=data.get("account"), ordering=data["ordering"])


@extend_schema(responses={200: ProjectSerializer, **error_responses(401, 403, 404)})
class ProjectDetailApi(PartnerScopedMixin, generics.RetrieveAPIView):
    """One project; another partner's project is a 404."""

    serializer_class = ProjectSerializer
    queryset = Project.objects.none()

    def get_object(self):
        project = project_get(partner=self.partner, project_id=self.kwargs["id"])
        project.quote_count = project.quotes.aggregate(n=Count("id"))["n"]
        return project
