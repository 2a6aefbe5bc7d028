from billing.api import credit_notes, subscriptions

urlpatterns = subscriptions.urlpatterns + credit_notes.urlpatterns
