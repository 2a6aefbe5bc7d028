from django.urls import path

from projects.api import views

urlpatterns = [
    path("change-orders/", views.ChangeOrderCreateApi.as_view(), name="api-change-order-create"),
    path("projects/", views.ProjectListApi.as_view(), name="api-project-list"),
    path("projects/<id:id>/", views.ProjectDetailApi.as_view(), name="api-project-detail"),
]
