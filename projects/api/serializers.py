"""Projects over REST v1."""

from rest_framework import serializers

from accounts.api.serializers import AccountSummarySerializer
from core.api import IdField, QueryParamsSerializer
from projects.models import Project, ProjectStatus
from projects.selectors import PROJECT_ORDERINGS


class ChangeOrderInputSerializer(serializers.Serializer):
    account = IdField(help_text="The id of the account that will receive the devices.")


class ProjectSerializer(serializers.ModelSerializer):
    """A Change Order project: its receiving account, status and how many quotes it has."""

    account = AccountSummarySerializer(read_only=True)
    quote_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Project
        fields = ["id", "title", "type", "status", "account", "quote_count", "created_at", "closed_at"]
        read_only_fields = fields


class ProjectFilterSerializer(QueryParamsSerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                   help_text="Part of the title or the account name.")
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False, allow_blank=True)
    account = IdField(required=False, help_text="Only this account's projects.")
    ordering = serializers.ChoiceField(choices=sorted(PROJECT_ORDERINGS), required=False, default="-created_at")
