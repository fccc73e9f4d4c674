"""Bills, the ledger of their money, and the payments that settle them.

A **bill** says what someone owes for what, to which account, until when, and how it can be paid: a
15-digit billing code for a state fee (PNBP), a virtual account at the region's bank for a regional
fee (retribusi) or another system's bill (PBB-P2, PDAM), and a dynamic QRIS for either. A bill is never
edited after it is issued: a changed amount cancels it and issues another (``replaces``).

Its money lives in the **ledger** (``Entry``), one row per change, never updated or deleted: issued
(the amount becomes due), paid, cancelled or expired (nothing is due any more). ``Bill.state`` is what
the entries say (``ledger.state_of``): the ledger writes it in the same transaction as the entry, and
a test replays every entry to check it. A bill has at most one entry of each kind, so it is paid at most
once whatever the network sends twice (``Payment`` is unique per bill and per network reference too).
Amounts are whole rupiah in integers.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from uuid6 import uuid7


class Revenue(models.TextChoices):
    """Where the money goes, which decides how the bill is paid."""

    #: A state fee (penerimaan negara bukan pajak): a billing code, the state receipt number (NTPN) once paid.
    PNBP = "pnbp", _("PNBP (penerimaan negara bukan pajak)")
    #: A regional fee (retribusi daerah), into the region's treasury account: a virtual account.
    RETRIBUSI = "retribusi", _("Retribusi daerah")
    #: Bills of other systems the MPP collects for: land and building tax, and the water company.
    PBB = "pbb", _("PBB-P2")
    PDAM = "pdam", _("Air minum (PDAM)")


class BillState(models.TextChoices):
    OPEN = "open", _("Menunggu pembayaran")
    PAID = "paid", _("Lunas")
    EXPIRED = "expired", _("Kedaluwarsa")
    CANCELLED = "cancelled", _("Dibatalkan")


class Channel(models.TextChoices):
    VA = "va", _("Virtual account")
    QRIS = "qris", _("QRIS")
    BILLING = "billing", _("Kode billing")
    CASH = "cash", _("Tunai di loket")


#: Unambiguous characters of a bill's number (no 0/O, 1/I/L, 5/S, U).
_NUMBER_ALPHABET = "2346789ABCDEFGHJKMNPQRTVWXYZ"


def new_bill_number() -> str:
    """What people read and say: TGH- and 8 characters (about 38 bits)."""
    return "TGH-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


class Bill(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    number = models.CharField(_("nomor tagihan"), max_length=20, unique=True, default=new_bill_number)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    #: Who pays and sees it: the applicant, or the citizen paying another system's bill.
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bills")
    payer_name = models.CharField(_("nama pembayar"), max_length=200)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )
    revenue = models.CharField(_("jenis penerimaan"), max_length=12, choices=Revenue.choices)
    #: The object of another system's bill (a PBB tax object's NOP, a PDAM customer number), and that
    #: system's id of exactly what is due (confirmed back to it once paid).
    subject = models.CharField(max_length=40, blank=True)
    external_bill_id = models.CharField(max_length=80, blank=True)
    title = models.CharField(_("untuk"), max_length=200)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))
    #: The account that receives the money, as the payer reads it (the state treasury, the region's treasury).
    receiving_account = models.CharField(_("rekening penerima"), max_length=200)
    #: A PNBP bill's billing code (15 digits), or a VA bill's number (prefix and customer number, no spaces).
    billing_code = models.CharField(max_length=15, null=True, blank=True, unique=True)
    va_number = models.CharField(max_length=28, null=True, blank=True, unique=True)
    qr_content = models.TextField(blank=True)
    qr_reference = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(_("diterbitkan"))
    expires_at = models.DateTimeField(_("berlaku sampai"))
    #: Written by the ledger only, with each entry (``ledger.append``).
    state = models.CharField(_("status"), max_length=10, choices=BillState.choices, default=BillState.OPEN)
    #: The cancelled bill this one takes the place of (a changed amount).
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("tagihan")
        verbose_name_plural = _("tagihan")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(state="open"), name="one_open_bill_per_application"
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "-issued_at"], name="bill_payer_recent"),
            models.Index(fields=["expires_at"], condition=Q(state="open"), name="bill_open_by_expiry"),
        ]

    def __str__(self):
        return self.number

    @property
    def pay_code(self) -> str:
        """What the payer types at the bank: the billing code or the VA number."""
        return self.billing_code or self.va_number or ""


class BillItem(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("uraian"), max_length=200)
    #: The revenue account (for PNBP the state's account code, for retribusi the region's), for the treasurer.
    account_code = models.CharField(_("kode akun"), max_length=20, blank=True)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))

    class Meta:
        ordering = ["bill", "position"]
        constraints = [models.UniqueConstraint(fields=["bill", "position"], name="bill_item_position")]

    def __str__(self):
        return f"{self.description}: {self.amount}"


class Payment(models.Model):
    """Money received for a bill, from the network's notification, its inquiry, or a counter's cash desk."""

    class Source(models.TextChoices):
        NOTIFICATION = "notification", _("Notifikasi jaringan pembayaran")
        INQUIRY = "inquiry", _("Pengecekan status ke jaringan pembayaran")
        COUNTER = "counter", _("Dicatat petugas loket")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="payment")
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))
    paid_at = models.DateTimeField(_("dibayar"))
    #: The network's id of the payment (SNAP ``paymentRequestId``); None for cash.
    network_reference = models.CharField(max_length=64, null=True, blank=True, unique=True)
    #: The bank's reference, the state receipt number (NTPN, PNBP only) and the bank's transaction number.
    bank_reference = models.CharField(max_length=64, blank=True)
    ntpn = models.CharField(_("NTPN"), max_length=16, blank=True)
    ntb = models.CharField(_("NTB"), max_length=32, blank=True)
    #: Cash at the counter: the cash receipt's number and the officer who took it.
    cash_receipt_number = models.CharField(_("nomor kuitansi"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    recorded_at = models.DateTimeField()
    #: Another system's bill (PBB-P2, PDAM): when that system took our word that it is paid, and its receipt.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_number = models.CharField(max_length=40, blank=True)
    #: The signed receipt (bukti bayar) in the payer's vault, once made.
    receipt = models.OneToOneField(
        "documents.IssuedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )

    class Meta:
        ordering = ["-paid_at"]
        verbose_name = _("pembayaran")
        verbose_name_plural = _("pembayaran")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        indexes = [models.Index(fields=["paid_at"], name="payment_paid_at")]

    def __str__(self):
        return f"{self.bill} {self.amount}"


class EntryKind(models.TextChoices):
    ISSUED = "issued", _("Tagihan terbit")
    PAID = "paid", _("Dibayar")
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Kedaluwarsa")


class Entry(models.Model):
    """One change of a bill's money, never edited: what is due grows by ``amount`` (issued) or shrinks by it
    (paid, cancelled, expired: a negative amount)."""

    id = models.BigAutoField(primary_key=True)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    amount = models.BigIntegerField()
    at = models.DateTimeField()
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="entry")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["bill", "id"]
        verbose_name = _("entri buku besar")
        verbose_name_plural = _("entri buku besar")
        constraints = [
            # Issued once, paid once, ended once: a duplicate notification cannot pay a bill twice.
            models.UniqueConstraint(fields=["bill", "kind"], name="one_entry_of_a_kind_per_bill"),
            models.UniqueConstraint(
                fields=["bill"], condition=Q(kind__in=["paid", "cancelled", "expired"]), name="one_end_per_bill"
            ),
        ]

    def __str__(self):
        return f"{self.bill} {self.kind} {self.amount}"


class SnapCall(models.Model):
    """An inbound SNAP call answered, by its ``X-EXTERNAL-ID``: the same id the same day gets the same answer."""

    partner = models.CharField(max_length=64)
    day = models.DateField()
    external_id = models.CharField(max_length=36)
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "day", "external_id"], name="snap_external_id_per_day")
        ]

    def __str__(self):
        return f"{self.partner} {self.day} {self.external_id}"


class Settlement(models.Model):
    """The network's settlement file of one day, as fetched, and what matching it against our payments found."""

    day = models.DateField(unique=True)
    fetched_at = models.DateTimeField()
    lines = models.PositiveIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    mismatches = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("rekonsiliasi harian")
        verbose_name_plural = _("rekonsiliasi harian")

    def __str__(self):
        return str(self.day)


class SettlementLine(models.Model):
    id = models.BigAutoField(primary_key=True)
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="file_lines")
    payment_request_id = models.CharField(max_length=64)
    virtual_account_no = models.CharField(max_length=28, blank=True)
    trx_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=10)
    amount = models.BigIntegerField()
    paid_at = models.DateTimeField()
    reference_no = models.CharField(max_length=64, blank=True)
    ntpn = models.CharField(max_length=16, blank=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["settlement", "payment_request_id"], name="settlement_line_once")
        ]

    def __str__(self):
        return f"{self.settlement} {self.payment_request_id}"


class MismatchKind(models.TextChoices):
    MISSING_HERE = "missing_here", _("Dibayar di bank, tidak tercatat di MPP Digital")
    MISSING_THERE = "missing_there", _("Tercatat di MPP Digital, tidak ada di berkas bank")
    AMOUNT = "amount", _("Jumlah berbeda")


class Mismatch(models.Model):
    """A difference reconciliation found; it stays open until an officer says what was done about it."""

    id = models.BigAutoField(primary_key=True)
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="found")
    kind = models.CharField(max_length=16, choices=MismatchKind.choices)
    line = models.OneToOneField(SettlementLine, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="mismatches")
    #: The region whose treasurer resolves it (the bill's; for a line no bill here knows, the network's own).
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    here_amount = models.BigIntegerField(null=True, blank=True)
    there_amount = models.BigIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("penyelesaian"), blank=True)

    class Meta:
        ordering = ["settlement", "id"]
        verbose_name = _("selisih rekonsiliasi")
        verbose_name_plural = _("selisih rekonsiliasi")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "kind", "payment"], name="mismatch_once_per_payment"),
        ]

    def __str__(self):
        return f"{self.settlement} {self.kind}"


class Collected(models.Model):
    """Money collected in one region on one day (its local date), per agency, service, kind of revenue and channel:
    kept by ``figures.refresh`` from the payments, for the treasurer's report and the ministry's statistics."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    agency = models.ForeignKey("catalog.Agency", on_delete=models.CASCADE, null=True, related_name="+")
    #: The service of an application's bill; none for another system's bill (PBB-P2, PDAM).
    service = models.ForeignKey("catalog.ServiceTemplate", on_delete=models.CASCADE, null=True, related_name="+")
    revenue = models.CharField(max_length=12, choices=Revenue.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    payments = models.PositiveIntegerField(default=0)
    amount = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        indexes = [models.Index(fields=["region", "day"], name="collected_region_day")]

    def __str__(self):
        return f"{self.region_id} {self.day} {self.amount}"


class CollectedCursor(models.Model):
    """Up to when the figures have read the payments (one row)."""

    read_until = models.DateTimeField()

    def __str__(self):
        return f"{self.read_until:%Y-%m-%d %H:%M:%S}"
