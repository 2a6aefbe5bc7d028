from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list_view, name="list"),
    path("change-order/", views.change_order_view, name="change_order"),
    path("<id:project_id>/", views.project_detail_view, name="detail"),
]
