import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cad import roles
from cad.audit import AuditAction, audit_record, object_ref
from cad.models import Agency, AgencyToken, hash_token_key


@transaction.atomic
def agency_service_user_ensure(*, agency: Agency) -> AbstractBaseUser:
    """The account an agency's tokens act as: a dispatcher for the center's own, scoped otherwise."""
    user = agency.service_user
    if user is None:
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=f"agency-{agency.code}",
            defaults={"first_name": agency.name[:150], "is_active": True},
        )
        user.set_unusable_password()
        user.save()
        agency.service_user = user
        agency.save(update_fields=["service_user"])
    role = roles.DISPATCHER if agency.kind == Agency.Kind.CENTER else roles.PARTNER
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    return user


@transaction.atomic
def agency_token_create(
    *, agency: Agency, label: str = "", created_by: AbstractBaseUser | None = None
) -> tuple[AgencyToken, str]:
    """A new token for `agency`; the key is returned once and only its hash is kept."""
    agency_service_user_ensure(agency=agency)
    key = secrets.token_urlsafe(32)
    token = AgencyToken.objects.create(
        agency=agency,
        prefix=key[:8],
        key_hash=hash_token_key(key),
        label=label,
        created_by=created_by,
    )
    audit_record(action=AuditAction.TOKEN_CREATE, object=object_ref("token", token.pk), by=created_by,
                 detail={"agency": agency.code, "prefix": token.prefix, "label": label})
    return token, key


@transaction.atomic
def agency_tokens_revoke(*, tokens: QuerySet[AgencyToken], by: AbstractBaseUser | None) -> int:
    """Revoke tokens at once; they stay on record (who held which key), only unusable."""
    live = list(AgencyToken.objects.select_for_update().select_related("agency").filter(
        pk__in=tokens.values("pk"), revoked_at__isnull=True).order_by("pk"))
    AgencyToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=timezone.now())
    for token in live:
        audit_record(action=AuditAction.TOKEN_REVOKE, object=object_ref("token", token.pk), by=by,
                     detail={"agency": token.agency.code, "prefix": token.prefix})
    return len(live)
