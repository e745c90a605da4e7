from rest_framework.permissions import SAFE_METHODS, BasePermission

from cad import roles


class IsCenterStaff(BasePermission):
    """Center staff read; dispatchers and supervisors write. Partners see nothing by default."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return roles.is_center_staff(request.user)
        return roles.can_dispatch(request.user)


class IsAnyCenterStaff(BasePermission):
    """Any of the center's staff, reading or writing: supplements and exports are records clerks'
    work as much as dispatchers'. Partners' programs: 403."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        return roles.is_center_staff(request.user)


class KeepsRecords(BasePermission):
    """Records clerks and supervisors (appeals and payments on false-alarm bills)."""

    message = "Only records clerks and supervisors may do this."

    def has_permission(self, request, view) -> bool:
        return roles.keeps_records(request.user)


class IsSupervisor(BasePermission):
    """Supervisors only (the audit trail); every other role's request is a 403, itself audited."""

    message = "Only supervisors may do this."

    def has_permission(self, request, view) -> bool:
        return roles.is_supervisor(request.user)


class IsCenterStaffOrPartner(BasePermission):
    """Like IsCenterStaff, and partner agencies too: their views narrow what a partner sees."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if roles.scoped_agency(request.user) is not None:
            return True
        return IsCenterStaff().has_permission(request, view)


class IsCenterStaffOrPartnerReading(BasePermission):
    """Partners may read (their views show only what was shared with them); only dispatchers write."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS and roles.scoped_agency(request.user) is not None:
            return True
        return IsCenterStaff().has_permission(request, view)


class IsPartnerAgency(BasePermission):
    """A partner agency's program answering what was put to its agency (a mutual-aid request); the
    view's queryset holds only its own, so another agency's is a 404."""

    message = "Only the partner agency asked may answer this."

    def has_permission(self, request, view) -> bool:
        agency = roles.scoped_agency(request.user)
        return agency is not None and agency.is_partner


class Dispatches(BasePermission):
    """Dispatchers and supervisors (and the center's own program), reading or writing: work done from
    the console, such as calling back abandoned 9-1-1 calls. Records clerks and partners: 403."""

    message = "Only dispatchers and supervisors may do this."

    def has_permission(self, request, view) -> bool:
        return roles.can_dispatch(request.user)


class IsAnyCenterStaffOrPartner(BasePermission):
    """Any of the center's staff, and partner agencies (their views show and act on their own only):
    webhook deliveries, which a partner resends as readily as a clerk."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        return roles.scoped_agency(request.user) is not None or roles.is_center_staff(request.user)


class IsOfficer(BasePermission):
    """Field officers at the unit terminal (they act only for the unit they are signed on to)."""

    message = "The unit terminal is for field officers."

    def has_permission(self, request, view) -> bool:
        return roles.is_officer(request.user)


class MakesInquiries(BasePermission):
    """Records inquiries: the center's staff, and field officers from the unit terminal. Partners'
    programs: 403."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        return roles.is_center_staff(request.user) or roles.is_officer(request.user)
