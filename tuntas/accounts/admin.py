from django.contrib import admin

from tuntas.accounts.models import Membership, User
from tuntas.institutions.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "kind", "is_active", "is_demo", "last_login"]
    list_filter = ["kind", "is_active", "is_demo"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "institution", "unit", "granted_at", "revoked_at"]
    list_filter = ["role", "institution"]
