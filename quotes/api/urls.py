from django.urls import path

from quotes.api import views

urlpatterns = [
    path("projects/<id:id>/quotes/", views.ProjectQuoteCreateApi.as_view(), name="api-project-quote-create"),
    path("quotes/", views.QuoteListApi.as_view(), name="api-quote-list"),
    path("quotes/<id:id>/", views.QuoteDetailApi.as_view(), name="api-quote-detail"),
    path("quotes/<id:id>/submit/", views.QuoteSubmitApi.as_view(), name="api-quote-submit"),
    path("quotes/<id:id>/accept/", views.QuoteAcceptApi.as_view(), name="api-quote-accept"),
    path("quotes/<id:id>/reject/", views.QuoteRejectApi.as_view(), name="api-quote-reject"),
    path("quotes/<id:id>/revise/", views.QuoteReviseApi.as_view(), name="api-quote-revise"),
    path("quotes/<id:id>/cancel/", views.QuoteCancelApi.as_view(), name="api-quote-cancel"),
    path("quotes/<id:id>/proposal.pdf", views.QuoteProposalPdfApi.as_view(), name="api-quote-proposal-pdf"),
    path("quotes/<id:id>/signed.pdf", views.QuoteSignedPdfApi.as_view(), name="api-quote-signed-pdf"),
]
