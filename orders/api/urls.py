from django.urls import path

from orders.api import views

urlpatterns = [
    path("orders/", views.OrderListApi.as_view(), name="api-order-list"),
    path("orders/<id:id>/", views.OrderDetailApi.as_view(), name="api-order-detail"),
    path("orders/<id:id>/transferable-devices/", views.TransferableDevicesApi.as_view(),
         name="order-transferable-devices"),
    path("orders/<id:id>/preview/", views.OrderPreviewApi.as_view(), name="order-preview"),
    path("orders/<id:id>/confirm/", views.OrderConfirmApi.as_view(), name="order-confirm"),
]
