from orders.api import confirm, views

urlpatterns = views.urlpatterns + confirm.urlpatterns
