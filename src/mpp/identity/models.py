"""Accounts and the roles that scope what a staff member may see.

Citizens' identity (NIK, levels of assurance) arrives with the identity issue;
for now an account is a login, and a staff account holds role assignments.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from mpp.core.models import TimeStampedModel
from mpp.registry.nik import mask_nik


class AssuranceLevel(models.IntegerChoices):
    """How sure we are that an account is the person it claims to be; services declare the level they need."""

    REGISTERED = 1, _("Terdaftar")
    NIK_VERIFIED = 2, _("NIK terverifikasi")
    FACE_VERIFIED = 3, _("Wajah terverifikasi")


class User(AbstractUser):
    """An account: a citizen (with a NIK, at a level of assurance) or a staff member (with roles).

    A citizen's username is their NIK. Registry data (name, address, family) is not kept
    here but in ``registry.PersonRecord``, our dated copy of what Dukcapil says.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nik = models.CharField(_("NIK"), max_length=16, unique=True, null=True, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    #: How notices reach the phone: by SMS or by WhatsApp (both through the gateway).
    phone_channel = models.CharField(
        _("pemberitahuan ke ponsel lewat"),
        max_length=12,
        choices=[("sms", "SMS"), ("whatsapp", "WhatsApp")],
        default="sms",
    )
    email_verified_at = models.DateTimeField(_("surel terverifikasi pada"), null=True, blank=True)
    #: A new address the owner asked for, in use once its code is confirmed; the confirmed one stays until then.
    pending_email = models.EmailField(_("surel baru, belum dikonfirmasi"), blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("tingkat jaminan identitas"), choices=AssuranceLevel.choices, default=AssuranceLevel.REGISTERED
    )
    nik_verified_at = models.DateTimeField(_("NIK terverifikasi pada"), null=True, blank=True)
    face_verified_at = models.DateTimeField(_("wajah terverifikasi pada"), null=True, blank=True)
    totp_secret = models.CharField(_("rahasia TOTP"), max_length=64, blank=True, editable=False)
    totp_enabled_at = models.DateTimeField(_("TOTP aktif sejak"), null=True, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("akun")
        verbose_name_plural = _("akun")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_email_ci", condition=~models.Q(email="")),
        ]

    @property
    def is_citizen(self) -> bool:
        return bool(self.nik)

    def has_assurance(self, level: int) -> bool:
        return self.assurance_level >= level


class Role(models.TextChoices):
    MINISTRY = "ministry", _("Kementerian (KemenPANRB)")
    MPP_MANAGER = "mpp_manager", _("Pengelola MPP")
    #: The head of a joining region, or the official they authorised: signs its agreement with the ministry.
    REGION_SIGNATORY = "region_signatory", _("Pejabat penanda tangan daerah")
    COUNTER_OFFICER = "counter_officer", _("Petugas loket")
    VERIFIER = "verifier", _("Verifikator")
    APPROVER = "approver", _("Pejabat penyetuju")
    #: Receives, answers and resolves the complaints routed to its agency (and may triage them).
    COMPLAINT_OFFICER = "complaint_officer", _("Petugas pengaduan")
    #: The region's revenue treasurer: sees what was collected, reconciles it with the bank, resolves mismatches.
    TREASURER = "treasurer", _("Bendahara penerimaan")
    #: A village's or kelurahan's staff: checks the letters asked of their village (its agency) only.
    VILLAGE_OFFICER = "village_officer", _("Petugas desa/kelurahan")
    #: The lurah or kepala desa: signs the village's letters.
    VILLAGE_HEAD = "village_head", _("Lurah/kepala desa")


#: Roles that work an agency's applications: bound to one agency (and so to its region).
#: Village roles are agency roles too: their agency is one village's government (``catalog.Agency.village``).
VILLAGE_ROLES = frozenset({Role.VILLAGE_OFFICER, Role.VILLAGE_HEAD})
AGENCY_ROLES = frozenset({Role.COUNTER_OFFICER, Role.VERIFIER, Role.APPROVER, Role.COMPLAINT_OFFICER, *VILLAGE_ROLES})
#: Roles bound to one kabupaten/kota as a whole.
REGION_ROLES = frozenset({Role.MPP_MANAGER, Role.REGION_SIGNATORY, Role.TREASURER})


class RoleAssignment(TimeStampedModel):
    """A staff member's role. Ministry roles are national; an MPP manager's and a region's signatory's are
    bound to one region; an officer's (counter, verifier, approver) to one agency of one region."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah"),
        limit_choices_to={"level": 2},
    )
    agency = models.ForeignKey(
        "catalog.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi"),
    )

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("penugasan peran")
        verbose_name_plural = _("penugasan peran")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="unique_role_assignment"),
            models.CheckConstraint(
                condition=models.Q(role="ministry", region__isnull=True, agency__isnull=True)
                | models.Q(role__in=sorted(REGION_ROLES), region__isnull=False, agency__isnull=True)
                | models.Q(role__in=sorted(AGENCY_ROLES), region__isnull=False, agency__isnull=False),
                name="role_scope_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}" + (f" · {self.region}" if self.region_id else "")

    def clean(self):
        if self.role in REGION_ROLES and not self.region_id:
            raise ValidationError({"region": _("Peran ini harus terikat pada satu kabupaten/kota.")})
        if self.role == Role.MINISTRY and self.region_id:
            raise ValidationError({"region": _("Peran kementerian berlaku nasional, tanpa wilayah.")})
        if self.role in AGENCY_ROLES:
            if not self.agency_id:
                raise ValidationError({"agency": _("Petugas harus terikat pada satu instansi.")})
            # The agency decides the region: an officer works in their agency's kabupaten/kota.
            self.region_id = self.agency.region_id
            if (self.role in VILLAGE_ROLES) != bool(self.agency.village_id):
                raise ValidationError(
                    {
                        "agency": _("Peran desa/kelurahan hanya untuk pemerintah desa/kelurahan, dan sebaliknya.")
                        if self.role in VILLAGE_ROLES
                        else _("Pemerintah desa/kelurahan hanya memiliki petugas desa dan lurah/kepala desa.")
                    }
                )
        elif self.agency_id:
            raise ValidationError({"agency": _("Hanya petugas yang terikat pada instansi.")})


class EmailCode(TimeStampedModel):
    """A one-time code sent to confirm an e-mail address. Only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_codes")
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kode konfirmasi surel")
        verbose_name_plural = _("kode konfirmasi surel")


class AccountSession(TimeStampedModel):
    """A signed-in session of an account, so the citizen can see and end them ("logout everywhere")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("sesi masuk")
        verbose_name_plural = _("sesi masuk")
        indexes = [models.Index(fields=["user", "ended_at"], name="session_user_open")]


class Delegation(TimeStampedModel):
    """An explicit, time-limited grant: the citizen with ``grantee_nik`` may act for ``grantor`` once they accept.

    Offered to a NIK, whether or not it has an account (the grantor learns nothing about it);
    the holder of that NIK sees the offer in their account and accepts (``grantee`` and
    ``accepted_at`` are set) or declines it. Revocable by the grantor at any time.
    A parent acting for a minor child on the same KK needs no row: that right is derived
    from the registry each time (see ``identity.selectors.can_act_for``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grantor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_given")
    grantee_nik = models.CharField(_("NIK penerima kuasa"), max_length=16, db_index=True)
    #: Set when the holder of ``grantee_nik`` accepts.
    grantee = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="delegations_received"
    )
    accepted_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)
    declined_at = models.DateTimeField(_("ditolak pada"), null=True, blank=True)
    purpose = models.CharField(_("keperluan"), max_length=200)
    valid_until = models.DateField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kuasa")
        verbose_name_plural = _("kuasa")
        constraints = [
            models.CheckConstraint(condition=~models.Q(grantor=models.F("grantee")), name="delegation_not_to_self")
        ]

    @property
    def masked_grantee_nik(self) -> str:
        """The NIK as the grantor sees it until the grantee accepts: the region digits and the last four."""
        return mask_nik(self.grantee_nik)
