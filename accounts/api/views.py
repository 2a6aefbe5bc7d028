"""Accounts over REST v1 and the token exchange."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.api.serializers import (
    AccountDetailSerializer,
    AccountFilterSerializer,
    AccountSerializer,
    CredentialsSerializer,
    TokenSerializer,
)
from accounts.exceptions import InvalidCredentials, LockedOut
from accounts.models import Account
from accounts.selectors import account_get, account_list
from core.api import PartnerScopedMixin, error_responses, list_error_responses
from core.throttling import ClientIpRateThrottle


class TokenObtainThrottle(ClientIpRateThrottle):
    """Per client address, whoever they claim to be: slows down password guessing."""

    scope = "auth_token"
    default_rate = "20/min"

    def get_rate(self):
        # Read at request time so DEFAULT_THROTTLE_RATES["auth_token"] (if set) wins over the default.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.default_rate


class TokenObtainApi(APIView):
    """Exchange a username and password for the API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        request=CredentialsSerializer,
        responses={200: TokenSerializer, **error_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        django_request = request._request
        # The Django request (not DRF's wrapper) lets django-axes count failures and lock out this user name
        # from this client address (AXES_LOCKOUT_PARAMETERS), exactly as the login page does.
        user = authenticate(request=django_request, **credentials.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            # Answer in the API's error format; clearing the flag keeps axes' middleware from
            # replacing this response with its HTML lockout page.
            django_request.axes_locked_out = False
            raise LockedOut("Too many failed logins for this user name from this address: try again later.")
        if user is None:
            raise InvalidCredentials("Unable to log in with the provided credentials.")
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key}).data, status=status.HTTP_200_OK)


@extend_schema(
    tags=["accounts"],
    parameters=[AccountFilterSerializer], responses={200: AccountSerializer, **list_error_responses()}
)
class AccountListApi(PartnerScopedMixin, generics.ListAPIView):
    """The partner's end customers, by name; `search` matches name, contact name or city."""

    serializer_class = AccountSerializer
    queryset = Account.objects.none()

    def get_queryset(self):
        filters = AccountFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return account_list(partner=self.partner, **filters.validated_data)


@extend_schema(tags=["accounts"], responses={200: AccountDetailSerializer, **error_responses(401, 403, 404)})
class AccountDetailApi(PartnerScopedMixin, generics.RetrieveAPIView):
    """One end customer with its PBXs; another partner's account is a 404."""

    serializer_class = AccountDetailSerializer
    queryset = Account.objects.none()

    def get_object(self):
        return account_get(partner=self.partner, account_id=self.kwargs["id"])
