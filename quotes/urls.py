from django.urls import path

from quotes import signing_views, views

app_name = "quotes"
urlpatterns = [
    path("", views.quote_list_view, name="list"),
    path("new/<id:project_id>/", views.quote_create_view, name="create"),
    path("<id:quote_id>/", views.quote_detail_view, name="detail"),
    path("<id:quote_id>/edit/", views.quote_edit_view, name="edit"),
    path("<id:quote_id>/submit/", views.quote_submit_view, name="submit"),
    path("<id:quote_id>/accept/", views.quote_accept_view, name="accept"),
    path("<id:quote_id>/reject/", views.quote_reject_view, name="reject"),
    path("<id:quote_id>/revise/", views.quote_revise_view, name="revise"),
    path("<id:quote_id>/cancel/", views.quote_cancel_view, name="cancel"),
    path("<id:quote_id>/pdf-status/", views.quote_pdf_status_view, name="pdf_status"),
    path("<id:quote_id>/proposal.pdf", views.quote_proposal_pdf_view, name="proposal_pdf"),
    path("<id:quote_id>/signed.pdf", views.quote_signed_pdf_view, name="signed_pdf"),
    # The customer's pages: public, authorised by the signed token alone.
    path("sign/<str:token>/", signing_views.sign_view, name="sign"),
    path("sign/<str:token>/decline/", signing_views.sign_decline_view, name="sign_decline"),
    path("sign/<str:token>/proposal.pdf", signing_views.sign_pdf_view, name="sign_pdf"),
]
