from django.urls import path

from quotes.api import views

urlpatterns = [
    path("projects/<int:id>/quotes/", views.ProjectQuoteCreateApi.as_view(), name="api-project-quote-create"),
    path("quotes/", views.QuoteListApi.as_view(), name="api-quote-list"),
    path("quotes/<int:id>/", views.QuoteDetailApi.as_view(), name="api-quote-detail"),
    path("quotes/<int:id>/submit/", views.QuoteSubmitApi.as_view(), name="api-quote-submit"),
    path("quotes/<int:id>/accept/", views.QuoteAcceptApi.as_view(), name="api-quote-accept"),
    path("quotes/<int:id>/reject/", views.QuoteRejectApi.as_view(), name="api-quote-reject"),
    path("quotes/<int:id>/revise/", views.QuoteReviseApi.as_view(), name="api-quote-revise"),
    path("quotes/<int:id>/cancel/", views.QuoteCancelApi.as_view(), name="api-quote-cancel"),
    path("quotes/<int:id>/proposal.pdf", views.QuoteProposalPdfApi.as_view(), name="api-quote-proposal-pdf"),
    path("quotes/<int:id>/signed.pdf", views.QuoteSignedPdfApi.as_view(), name="api-quote-signed-pdf"),
]
