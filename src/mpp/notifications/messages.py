"""The words of each notification, in Indonesian and (through gettext) English.

A message is rendered when it is sent or shown, in the recipient's language, from the
context stored with it: the tracking number, the service, a note, a deadline (ISO time and
the region's zone, shown as local time with its WIB/WITA/WIT label by ``mpp.core.clock``,
as every page shows it).
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mpp.core import clock


@dataclass(frozen=True)
class Message:
    subject: Promise
    text: Promise


MESSAGES = {
    "submitted": Message(
        _("Permohonan %(number)s diterima"),
        _(
            "Permohonan %(service)s Anda diterima dengan nomor %(number)s. "
            "Batas waktu penyelesaian: %(due)s. Pantau prosesnya di %(url)s"
        ),
    ),
    "assisted": Message(
        _("Permohonan %(number)s diajukan untuk Anda di loket MPP"),
        _(
            "Petugas loket MPP mengajukan permohonan %(service)s atas nama Anda dengan persetujuan Anda, "
            "nomor %(number)s. Bila Anda tidak pernah memintanya, hubungi MPP. Pantau di %(url)s"
        ),
    ),
    "revision": Message(
        _("Permohonan %(number)s perlu perbaikan"),
        _(
            "Permohonan %(service)s nomor %(number)s perlu perbaikan: %(note)s "
            "Perbaiki hanya bagian yang ditandai di %(url)s. "
            "Waktu penyelesaian berhenti sampai Anda mengirim perbaikan."
        ),
    ),
    "payment_due": Message(
        _("Tagihan permohonan %(number)s: %(amount)s"),
        _(
            "Permohonan %(service)s nomor %(number)s menunggu pembayaran %(amount)s sampai %(due)s. "
            "Kode pembayaran dan QRIS ada di %(url)s. Waktu penyelesaian berhenti sampai tagihan dibayar. "
            "Bayar hanya melalui kode tersebut, jangan kepada siapa pun."
        ),
    ),
    "paid": Message(
        _("Pembayaran permohonan %(number)s diterima"),
        _("Pembayaran %(amount)s untuk permohonan %(service)s nomor %(number)s diterima. Pantau di %(url)s"),
    ),
    "in_process": Message(
        _("Permohonan %(number)s sedang diproses instansi"),
        _("Permohonan %(service)s nomor %(number)s sedang diproses di sistem instansi. %(note)s Pantau di %(url)s"),
    ),
    "approved": Message(
        _("Permohonan %(number)s disetujui"),
        _("Permohonan %(service)s nomor %(number)s telah disetujui. Lihat hasilnya di %(url)s"),
    ),
    "rejected": Message(
        _("Permohonan %(number)s ditolak"),
        _("Permohonan %(service)s nomor %(number)s ditolak. Alasan: %(note)s Lihat rinciannya di %(url)s"),
    ),
    "submitted_introduction": Message(
        _("Permohonan %(number)s diterima, menunggu pengantar RT/RW"),
        _(
            "Permohonan %(service)s Anda diterima dengan nomor %(number)s. Kami meminta pengantar kepada ketua RT/RW "
            "Anda; waktu penyelesaian dihitung setelah pengantar diberikan. Pantau di %(url)s"
        ),
    ),
    "introduction_request": Message(
        _("Permintaan pengantar RT/RW: %(applicant)s"),
        _(
            "Yth. %(head)s, %(applicant)s meminta pengantar untuk %(service)s (nomor %(number)s) melalui MPP Digital. "
            "Beri pengantar atau tolak dengan satu sentuhan di %(url)s (berlaku %(hours)s jam, hanya untuk Anda)."
        ),
    ),
    "introduced": Message(
        _("Pengantar RT/RW untuk permohonan %(number)s diberikan"),
        _("%(note)s Permohonan %(service)s nomor %(number)s kini diperiksa kantor desa/kelurahan. Pantau di %(url)s"),
    ),
    "introduction_declined": Message(
        _("Pengantar RT/RW untuk permohonan %(number)s ditolak"),
        _("%(note)s Anda dapat meminta pengantar kepada ketua RT/RW lain di %(url)s"),
    ),
    "delegation_offered": Message(
        _("%(grantor)s memberi Anda kuasa di MPP Digital"),
        _(
            "%(grantor)s ingin memberi Anda kuasa untuk: %(purpose)s. Kuasa berlaku setelah Anda menerimanya. "
            "Terima atau tolak di %(url)s"
        ),
    ),
    "login_failures": Message(
        _("Banyak percobaan masuk yang gagal ke akun MPP Digital Anda"),
        _(
            "Akun Anda menerima %(count)s percobaan masuk dengan kata sandi salah dalam 15 menit terakhir. "
            "Bila itu bukan Anda, akun Anda tetap aman: percobaan berikutnya diperlambat, dan Anda tetap dapat "
            "masuk dari perangkat yang biasa Anda pakai. Periksa sesi Anda dan ganti kata sandi di %(url)s"
        ),
    ),
    "overdue": Message(
        _("Permohonan %(number)s melewati batas waktu"),
        _(
            "Permohonan %(service)s nomor %(number)s belum selesai pada batas waktunya (%(due)s). "
            "Tahap saat ini: %(step)s. Buka di %(url)s"
        ),
    ),
    # Monev reports (mpp.monitoring), to a region's MPP managers.
    "monev_opened": Message(
        _("Laporan monev MPP Digital diminta: %(round)s"),
        _(
            "Kementerian PANRB meminta laporan monitoring dan evaluasi MPP Digital %(region)s untuk periode "
            "%(period)s. Batas pengiriman: %(deadline)s. Angka dari platform sudah terisi otomatis; lengkapi "
            "laporannya di %(url)s"
        ),
    ),
    "monev_reminder": Message(
        _("Pengingat: laporan monev %(round)s belum dikirim"),
        _(
            "Laporan monitoring dan evaluasi MPP Digital %(region)s untuk %(round)s belum dikirim. "
            "Batas pengiriman: %(deadline)s (%(days)s hari kerja lagi). Lengkapi dan kirim di %(url)s"
        ),
    ),
    "monev_returned": Message(
        _("Laporan monev %(round)s dikembalikan untuk diperbaiki"),
        _(
            "Kementerian PANRB mengembalikan laporan monev %(region)s untuk %(round)s: %(note)s "
            "Perbaiki lalu kirim kembali di %(url)s"
        ),
    ),
    "staff_invitation": Message(
        _("Undangan akun MPP Digital: %(role)s"),
        _(
            "Anda diundang sebagai %(role)s %(region)s di MPP Digital. Nama pengguna Anda: %(username)s. "
            "Buat kata sandi dan aktifkan akun Anda melalui tautan sekali pakai ini (berlaku %(days)s hari): %(url)s "
            "Jika Anda tidak mengenal undangan ini, abaikan surel ini."
        ),
    ),
    "join_received": Message(
        _("Permohonan bergabung MPP Digital %(region)s diterima"),
        _(
            "Permohonan %(region)s untuk bergabung dengan MPP Digital telah diterima dan masuk antrean Kementerian "
            "PANRB. Batas penetapan: %(due)s. Ikuti setiap tahapnya di %(url)s"
        ),
    ),
    "join_returned": Message(
        _("Permohonan bergabung %(region)s perlu dilengkapi"),
        _(
            "Kementerian PANRB mengembalikan permohonan %(region)s untuk dilengkapi: %(note)s "
            "Lengkapi dan kirim kembali di %(url)s. Waktu penetapan berhenti sampai Anda mengirimnya."
        ),
    ),
    "join_designated": Message(
        _("%(region)s ditetapkan sebagai lokus MPP Digital"),
        _(
            "%(region)s ditetapkan sebagai lokus MPP Digital dengan keputusan nomor %(decree)s. Perjanjian "
            "pelaksanaan nomor %(agreement)s siap ditandatangani oleh kepala daerah atau pejabat yang diberi kuasa. "
            "Ikuti di %(url)s"
        ),
    ),
    "join_refused": Message(
        _("Permohonan bergabung %(region)s ditolak"),
        _("Kementerian PANRB menolak permohonan %(region)s untuk bergabung. Alasan: %(note)s Rincian di %(url)s"),
    ),
    "join_active": Message(
        _("MPP Digital %(region)s aktif"),
        _(
            "Perjanjian pelaksanaan nomor %(agreement)s telah ditandatangani kedua pihak. MPP Digital %(region)s "
            "aktif sejak %(since)s. Pengelola MPP Digital menerima undangan akun lewat surel. Rincian di %(url)s"
        ),
    ),
    # Complaints (pengaduan): the reporter's notices, then the officers'.
    "complaint_code": Message(
        _("Kode konfirmasi pengaduan %(number)s: %(code)s"),
        _(
            "Kode konfirmasi pengaduan Anda: %(code)s. Berlaku 15 menit. Pengaduan %(number)s baru diproses "
            "setelah kode ini dimasukkan. Jangan berikan kode ini kepada siapa pun."
        ),
    ),
    "complaint_received": Message(
        _("Pengaduan %(number)s diterima"),
        _(
            'Pengaduan Anda "%(title)s" diterima dengan nomor %(number)s dan akan diverifikasi pengelola MPP. '
            "Pantau tindak lanjutnya di %(url)s"
        ),
    ),
    "complaint_routed": Message(
        _("Pengaduan %(number)s diteruskan ke instansi"),
        _("Pengaduan %(number)s telah diverifikasi. %(note)s Batas waktu penyelesaian: %(due)s. Pantau di %(url)s"),
    ),
    "complaint_merged": Message(
        _("Pengaduan %(number)s digabung"),
        _("Pengaduan %(number)s sama dengan pengaduan %(into)s dan ditangani bersama di sana. %(url)s"),
    ),
    "complaint_forwarded": Message(
        _("Pengaduan %(number)s diteruskan ke SP4N-LAPOR!"),
        _("Pengaduan %(number)s diteruskan ke SP4N-LAPOR!. %(note)s Perkembangannya tetap tampil di %(url)s"),
    ),
    "complaint_answered": Message(
        _("Tanggapan atas pengaduan %(number)s"),
        _("Instansi menanggapi pengaduan %(number)s: %(note)s Lihat di %(url)s"),
    ),
    "complaint_info_requested": Message(
        _("Pengaduan %(number)s: mohon keterangan tambahan"),
        _(
            "Instansi memerlukan keterangan tambahan untuk pengaduan %(number)s: %(note)s "
            "Jawab di %(url)s. Waktu penyelesaian berhenti sampai Anda menjawab."
        ),
    ),
    "complaint_resolved": Message(
        _("Pengaduan %(number)s selesai ditangani"),
        _(
            "Instansi menyatakan pengaduan %(number)s selesai: %(note)s Konfirmasi dan beri penilaian, atau buka "
            "kembali bila belum selesai, sampai %(due)s di %(url)s"
        ),
    ),
    "complaint_lapor": Message(
        _("Perkembangan pengaduan %(number)s di SP4N-LAPOR!"),
        _("SP4N-LAPOR!: %(note)s Lihat di %(url)s"),
    ),
    "complaint_informed": Message(
        _("Pelapor menjawab pengaduan %(number)s"),
        _("Pelapor mengirim keterangan tambahan untuk pengaduan %(number)s. Waktu penyelesaian berjalan lagi. %(url)s"),
    ),
    "complaint_reopened": Message(
        _("Pengaduan %(number)s dibuka kembali"),
        _("Pelapor menyatakan pengaduan %(number)s belum selesai: %(note)s Batas waktu baru: %(due)s. %(url)s"),
    ),
    "complaint_overdue": Message(
        _("Pengaduan %(number)s melewati batas waktu"),
        _('Pengaduan %(number)s ("%(title)s") melewati batas waktunya (%(due)s). Tindak lanjuti di %(url)s'),
    ),
    # The physical MPP's queue (antrean): bookings and tickets.
    "queue_booked": Message(
        _("Pesanan kunjungan MPP %(code)s"),
        _(
            "Kunjungan Anda ke %(mpp)s untuk %(service)s terpesan pada %(when)s. Kode pesanan: %(code)s. "
            "Check-in di kios antrean MPP dengan kode atau kode QR-nya. Lihat, pindahkan, atau batalkan di %(url)s"
        ),
    ),
    "queue_reminder": Message(
        _("Pengingat: kunjungan MPP besok, %(when)s"),
        _(
            "Besok %(when)s Anda terjadwal di %(mpp)s untuk %(service)s (kode %(code)s). Datang paling lambat "
            "pada jamnya dan check-in di kios antrean. Tidak jadi datang? Batalkan di %(url)s"
        ),
    ),
    "queue_cancelled": Message(
        _("Pesanan kunjungan MPP %(code)s dibatalkan"),
        _("Pesanan kunjungan %(code)s ke %(mpp)s pada %(when)s telah dibatalkan. %(url)s"),
    ),
    "queue_closed": Message(
        _("Pesanan kunjungan MPP %(code)s dibatalkan oleh MPP"),
        _(
            "Mohon maaf, pesanan kunjungan %(code)s ke %(mpp)s pada %(when)s dibatalkan karena MPP mengubah "
            "jam layanan hari itu (%(note)s). Pesan jadwal lain di %(url)s"
        ),
    ),
    "queue_ticket": Message(
        _("Nomor antrean %(ticket)s di %(mpp)s"),
        _("Nomor antrean Anda %(ticket)s di %(mpp)s (%(agency)s). Pantau posisi Anda di %(url)s"),
    ),
}


#: Added to a decision's notice when its context has a ``survey_url`` (mpp.surveys): the service may be rated once.
SURVEY_INVITATION = _("Bagaimana pelayanan kami? Beri penilaian dalam satu menit, tanpa nama Anda: %(survey_url)s")


def render(kind: str, context: dict, language: str) -> tuple[str, str]:
    """The subject and text of a ``kind`` message in ``language``."""
    message = MESSAGES[kind]
    with translation.override(language):
        values = {key: str(value) for key, value in context.items()} | {"due": _deadline(context)}
        values.setdefault("note", "")
        values.setdefault("step", "")
        text = str(message.text) % values
        if values.get("survey_url"):
            text = f"{text} {SURVEY_INVITATION % values}"
        return str(message.subject) % values, text


def _deadline(context: dict) -> str:
    if not context.get("due_at"):
        return ""
    return clock.local_time(context["due_at"], context.get("zone", "Asia/Jakarta"))
