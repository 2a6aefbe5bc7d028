from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.balance_view, name="balance"),
    path("credit-notes/<id:credit_note_id>/", views.credit_note_detail_view, name="credit_note_detail"),
    path("credit-notes/<id:credit_note_id>/pdf/", views.credit_note_pdf_view, name="credit_note_pdf"),
]
