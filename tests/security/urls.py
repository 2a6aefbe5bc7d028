"""A URL conf for the tenancy tests: the real routes plus two views whose reads forget the partner filter.

They stand for a future selector that forgets `partner=`: the scope alone must keep other partners out.
"""

from django.http import JsonResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PartnerScopedMixin
from devices.models import Device


def forgetful_page(request):
    return JsonResponse({"serials": sorted(Device.objects.values_list("serial", flat=True))})


class ForgetfulApi(PartnerScopedMixin, APIView):
    def get(self, request):
        return Response({"serials": sorted(Device.objects.values_list("serial", flat=True))})


class FailingApi(PartnerScopedMixin, APIView):
    def get(self, request):
        Device.objects.count()
        raise RuntimeError("a bug that escapes the exception handler")


urlpatterns = [
    path("forgetful/page/", forgetful_page),
    path("forgetful/api/", ForgetfulApi.as_view()),
    path("forgetful/failing/", FailingApi.as_view()),
    path("", include("hwaas_portal.urls")),
]
