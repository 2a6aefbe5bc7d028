from django.urls import path

from devices import views

app_name = "devices"
urlpatterns = [
    path("", views.device_list_view, name="list"),
    path("<id:device_id>/", views.device_detail_view, name="detail"),
]
