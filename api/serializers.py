"""The API's JSON: field names in English, values as stored; nobody named anywhere."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from changes.models import Evidence, ServiceChange, TimelineEntry
from participants.models import Constituency
from projects.models import Organisation, Project, Stage
from sessions.models import WorkshopSession


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "time_zone", "parity_threshold", "created_at"]


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "name", "name_cy", "description", "order", "starts_on", "ends_on"]


class ProjectSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    current_stage = serializers.IntegerField(
        source="current_stage_id", read_only=True, allow_null=True
    )
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "organisation",
            "title",
            "title_cy",
            "challenge",
            "challenge_cy",
            "service_area",
            "scope",
            "status",
            "method",
            "current_stage",
            "stages",
            "created_at",
            "closed_at",
        ]


class SessionSerializer(serializers.ModelSerializer):
    """When, what and how many; never who."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    stage = serializers.IntegerField(source="stage_id", read_only=True, allow_null=True)
    going = serializers.IntegerField(read_only=True)
    attended = serializers.IntegerField(read_only=True)
    walk_ins = serializers.IntegerField(source="walk_in_count", read_only=True)

    class Meta:
        model = WorkshopSession
        fields = [
            "id",
            "project",
            "stage",
            "title",
            "kind",
            "status",
            "audience",
            "starts_at",
            "ends_at",
            "capacity",
            "going",
            "attended",
            "walk_ins",
        ]


class TimelineEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TimelineEntry
        fields = ["created_at", "status", "progress", "note"]


class ProvenanceSerializer(serializers.Serializer):
    """What a change came from, in counts (anonymous contributions counted, never named)."""

    contributions = serializers.IntegerField(source="contribution_count")
    sessions = serializers.IntegerField(source="session_count")
    anonymous = serializers.IntegerField(source="anonymous_count")
    by_constituency = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {value: {"type": "integer"} for value in Constituency.values},
            "required": list(Constituency.values),
        }
    )
    def get_by_constituency(self, change) -> dict:
        return {value: getattr(change, f"from_{value}") for value in Constituency.values}


class ChangeSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    provenance = ProvenanceSerializer(source="*", read_only=True)

    class Meta:
        model = ServiceChange
        fields = [
            "id",
            "project",
            "title",
            "title_cy",
            "description",
            "status",
            "scope",
            "progress",
            "target_date",
            "implemented_on",
            "created_at",
            "updated_at",
            "timeline",
            "provenance",
        ]


class YouSaidWeDidSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    change = serializers.IntegerField(source="pk", read_only=True)
    we_did = serializers.CharField(source="description", read_only=True)

    class Meta:
        model = ServiceChange
        fields = ["change", "project", "title", "you_said", "we_did", "status", "implemented_on"]


class CodedItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    lens = serializers.CharField(source="item.lens")
    name = serializers.CharField(source="item.name")
    stance = serializers.CharField()
    confidence = serializers.CharField()


class CmoRecordSerializer(serializers.ModelSerializer):
    change = serializers.IntegerField(source="change_id", read_only=True)
    project = serializers.IntegerField(source="change.project_id", read_only=True)
    coded = CodedItemSerializer(many=True, read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "project",
            "change",
            "context",
            "mechanism",
            "outcome",
            "coded",
            "created_at",
        ]


# The figures' shapes, for the OpenAPI document (api/figures.py builds them).


class CountByStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    count = serializers.IntegerField()


class ChangeFiguresSerializer(serializers.Serializer):
    by_status = CountByStatusSerializer(many=True)
    total = serializers.IntegerField()
    overdue = serializers.IntegerField()
    implemented = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    implemented_per_month = MonthCountSerializer(many=True)


class ParticipantsFiguresSerializer(serializers.Serializer):
    service_users = serializers.IntegerField(allow_null=True)
    staff = serializers.IntegerField(allow_null=True)
    service_users_fewer_than_5 = serializers.BooleanField()
    staff_fewer_than_5 = serializers.BooleanField()
    left_out = serializers.IntegerField()
    service_users_percent = serializers.IntegerField(allow_null=True)
    staff_percent = serializers.IntegerField(allow_null=True)


class MeasureSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(
        choices=["contributions", "comments", "supports", "attendance", "adopted"]
    )
    service_users = serializers.IntegerField(allow_null=True)
    staff = serializers.IntegerField(allow_null=True)
    left_out = serializers.IntegerField()
    service_users_percent = serializers.IntegerField(allow_null=True)
    staff_percent = serializers.IntegerField(allow_null=True)


class ParitySerializer(serializers.Serializer):
    threshold_percent = serializers.IntegerField()
    withheld = serializers.BooleanField()
    participants = ParticipantsFiguresSerializer()
    measures = MeasureSerializer(many=True)
    ratio = serializers.CharField(allow_null=True)
    warning = serializers.BooleanField()


class AttendanceSerializer(serializers.Serializer):
    constituency = serializers.ChoiceField(choices=Constituency.values)
    participants = serializers.IntegerField(allow_null=True)
    fewer_than_5 = serializers.BooleanField()
    withheld = serializers.BooleanField()
    going = serializers.IntegerField(allow_null=True)
    came = serializers.IntegerField(allow_null=True)
    attended = serializers.IntegerField(allow_null=True)
    rate_percent = serializers.IntegerField(allow_null=True)


class PaymentRowSerializer(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()
    hours = serializers.CharField(required=False)
    amount = serializers.CharField()
    in_totals = serializers.BooleanField()


class PaymentsSerializer(serializers.Serializer):
    by_status = PaymentRowSerializer(many=True)
    hours = serializers.CharField()
    amount = serializers.CharField()
    expenses = PaymentRowSerializer(many=True)
    expenses_amount = serializers.CharField()


class ProjectFiguresSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    participants = serializers.IntegerField()
    changes = serializers.IntegerField()
    implemented = serializers.IntegerField()
    overdue = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    adopted_service_users_percent = serializers.IntegerField(allow_null=True)
    ratio = serializers.CharField(allow_null=True)
    warning = serializers.BooleanField()


class DashboardSerializer(serializers.Serializer):
    today = serializers.DateField()
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    changes = ChangeFiguresSerializer()
    parity = ParitySerializer()
    attendance = AttendanceSerializer(many=True)
    payments = PaymentsSerializer()
    follow_ups_due = serializers.IntegerField()
    projects = ProjectFiguresSerializer(
        many=True, required=False, help_text="On the organisation's dashboard only."
    )


class GroupSerializer(serializers.Serializer):
    people = serializers.IntegerField(allow_null=True)
    withheld = serializers.ChoiceField(choices=["small", "complement"], allow_null=True)


class ThemeGroupsSerializer(serializers.Serializer):
    service_users = GroupSerializer()
    staff = GroupSerializer()


class ThemeProjectSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="The project's title.")
    project_id = serializers.IntegerField(help_text="The project's id (titles may repeat).")
    contributions = serializers.IntegerField()


class ThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(
        allow_null=True, help_text="Null for a theme found across the organisation's projects."
    )
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["suggested", "accepted", "rejected", "merged"])
    merged_into = serializers.IntegerField(allow_null=True)
    contributions = serializers.IntegerField()
    people = serializers.IntegerField()
    groups = ThemeGroupsSerializer()
    threshold = serializers.IntegerField()
    by_project = ThemeProjectSerializer(many=True)


class ThemeListSerializer(serializers.Serializer):
    results = ThemeSerializer(many=True)
