from django.urls import path

from orders import views, wizard_views

app_name = "orders"
urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("<id:order_id>/", views.order_detail_view, name="detail"),
    path("<id:order_id>/confirm/", wizard_views.step_pbx, name="confirm"),
    path("<id:order_id>/confirm/devices/", wizard_views.step_devices, name="confirm_devices"),
    path("<id:order_id>/confirm/lines/", wizard_views.toggle_lines, name="confirm_lines"),
    path("<id:order_id>/confirm/pick/", wizard_views.toggle_picks, name="confirm_pick"),
    path("<id:order_id>/confirm/summary/", wizard_views.step_summary, name="confirm_summary"),
    path("<id:order_id>/confirm/submit/", wizard_views.submit, name="confirm_submit"),
]
