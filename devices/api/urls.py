from django.urls import path

from devices.api import views

urlpatterns = [
    path("devices/", views.DeviceListApi.as_view(), name="api-device-list"),
    path("devices/<id:id>/", views.DeviceDetailApi.as_view(), name="api-device-detail"),
    path("devices/<id:id>/custody/", views.DeviceCustodyApi.as_view(), name="api-device-custody"),
]
