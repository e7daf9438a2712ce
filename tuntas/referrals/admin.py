from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuntas.referrals.models import Peer, PeerMessage, Referral


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: peers and referrals change through the services (audited)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Peer)
class PeerAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "slug",
        "base_url",
        "our_id",
        "institution",
        "is_ombudsman",
        "is_active",
    ]
    exclude = ["sealed_secret"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["reference", "direction", "peer", "state", "remote_report_number", "created_at"]
    list_filter = ["direction", "state"]


@admin.register(PeerMessage)
class PeerMessageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "sequence", "peer", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    exclude = ["sealed_body"]
