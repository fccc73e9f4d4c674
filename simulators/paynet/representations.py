"""Bills, payments and notifications as JSON: the SNAP shapes of the contract (virtualAccountData,
the payment notification, the QR status) and the admin endpoints' views.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime

from . import bills, snap

SETTLEMENT_COLUMNS = (
    "payment_request_id",
    "virtual_account_no",
    "trx_id",
    "channel",
    "amount",
    "paid_at",
    "reference_no",
    "ntpn",
)
CHANNEL_CODES = {"va": 6011, "qris": 6012}
SOURCE_BANK_CODE = "014"
_FLAG_REASONS = {
    bills.PAID: ("00", {"english": "Paid", "indonesia": "Sudah dibayar"}),
    "open": ("01", {"english": "Not paid", "indonesia": "Belum dibayar"}),
    bills.EXPIRED: ("02", {"english": "Bill expired", "indonesia": "Tagihan kedaluwarsa"}),
}
_QR_STATUSES = {bills.PAID: ("00", "Paid"), "open": ("03", "Pending"), bills.EXPIRED: ("06", "Expired")}


def virtual_account_data(bill: sqlite3.Row) -> dict[str, object]:
    """The create-va answer: the fields as sent, the billing code filled in."""
    data: dict[str, object] = {
        "partnerServiceId": bill["partner_service_id"],
        "customerNo": bill["customer_no"],
        "virtualAccountNo": bill["virtual_account_no"],
        "virtualAccountName": bill["name"],
        "trxId": bill["trx_id"],
        "totalAmount": snap.money(bill["amount"]),
        "virtualAccountTrxType": "C",
    }
    if bill["expired_date"] is not None:
        data["expiredDate"] = bill["expired_date"]
    if bill["additional_info"] is not None:
        data["additionalInfo"] = json.loads(bill["additional_info"])
    return data


def payment_info(payment: sqlite3.Row) -> dict[str, str]:
    """additionalInfo of a payment: its channel, and for PNBP the NTPN and NTB."""
    info = {"channel": payment["channel"]}
    if payment["ntpn"] is not None:
        info.update(ntpn=payment["ntpn"], ntb=payment["ntb"])
    return info


def status_data(bill: sqlite3.Row, payment: sqlite3.Row | None, inquiry_request_id: str) -> dict[str, object]:
    """The inquiry-status answer's virtualAccountData."""
    flag, reason = _FLAG_REASONS[bills.state(bill, payment)]
    data: dict[str, object] = {
        "partnerServiceId": bill["partner_service_id"],
        "customerNo": bill["customer_no"],
        "virtualAccountNo": bill["virtual_account_no"],
        "virtualAccountName": bill["name"],
        "inquiryRequestId": inquiry_request_id,
        "trxId": bill["trx_id"],
        "totalAmount": snap.money(bill["amount"]),
        "paymentFlagStatus": flag,
        "paymentFlagReason": reason,
    }
    if payment is not None:
        data.update(
            paymentRequestId=payment["payment_request_id"],
            paidAmount=snap.money(payment["amount"]),
            trxDateTime=payment["paid_at"],
            referenceNo=payment["reference_no"],
            additionalInfo=payment_info(payment),
        )
    return data


def qr_status(code: sqlite3.Row, payment: sqlite3.Row | None) -> dict[str, object]:
    """The qr-mpm-query answer's fields: the status of the QR's bill, whichever way it was paid."""
    status, description = _QR_STATUSES[bills.state(code, payment)]  # a QR expires with its bill
    answer: dict[str, object] = {
        "originalReferenceNo": code["reference_no"],
        "originalPartnerReferenceNo": code["partner_reference_no"],
        "serviceCode": "47",
        "latestTransactionStatus": status,
        "transactionStatusDesc": description,
    }
    if payment is not None:
        answer.update(
            paidTime=payment["paid_at"],
            amount=snap.money(payment["amount"]),
            additionalInfo={
                "paymentRequestId": payment["payment_request_id"],
                "referenceNo": payment["reference_no"],
                "virtualAccountNo": payment["virtual_account_no"],
                "trxId": payment["trx_id"],
                **payment_info(payment),
            },
        )
    return answer


def notification(payment: sqlite3.Row, flag_advise: str) -> dict[str, object]:
    """The body of POST <platform>/snap/v1.0/transfer-va/payment (a bills.PAYMENT_VIEW row)."""
    return {
        "partnerServiceId": payment["partner_service_id"],
        "customerNo": payment["customer_no"],
        "virtualAccountNo": payment["virtual_account_no"],
        "virtualAccountName": payment["name"],
        "paymentRequestId": payment["payment_request_id"],
        "channelCode": CHANNEL_CODES[payment["channel"]],
        "sourceBankCode": SOURCE_BANK_CODE,
        "trxId": payment["trx_id"],
        "paidAmount": snap.money(payment["amount"]),
        "trxDateTime": payment["paid_at"],
        "referenceNo": payment["reference_no"],
        "flagAdvise": flag_advise,
        "additionalInfo": payment_info(payment),
    }


def settlement_csv(lines: list[sqlite3.Row]) -> str:
    """The settlement file: its header line, then one line per payment (store.settlement_lines)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SETTLEMENT_COLUMNS)
    writer.writerows(["" if line[name] is None else line[name] for name in SETTLEMENT_COLUMNS] for line in lines)
    return out.getvalue()


# --- admin views ---------------------------------------------------------------------


def payment(row: sqlite3.Row, notification_state: str | None = None) -> dict[str, object]:
    return {
        "paymentRequestId": row["payment_request_id"],
        "referenceNo": row["reference_no"],
        "trxId": row["trx_id"],
        "kind": row["kind"],
        "virtualAccountNo": row["virtual_account_no"],
        "virtualAccountName": row["name"],
        "channel": row["channel"],
        "qrReference": row["qr_reference"],
        "amount": row["amount"],
        "paidAt": row["paid_at"],
        "ntpn": row["ntpn"],
        "ntb": row["ntb"],
        "notification": notification_state,
    }


def notification_view(row: sqlite3.Row, deliveries: list[sqlite3.Row]) -> dict[str, object]:
    """A notification on /admin/notifications, with every POST of it."""
    return {
        "paymentRequestId": row["payment_request_id"],
        "trxId": row["trx_id"],
        "url": row["url"],
        "state": row["state"],
        "attempts": row["attempts"],
        "nextAttemptAt": _iso(row["next_attempt_at"]) if row["state"] == "pending" else None,
        "createdAt": _iso(row["created_at"]),
        "finishedAt": _iso(row["finished_at"]),
        "deliveries": [
            {
                "attempt": d["attempt"],
                "duplicate": bool(d["duplicate"]),
                "externalId": d["external_id"],
                "flagAdvise": d["flag_advise"],
                "signature": d["signature"],
                "outcome": d["outcome"],
                "statusCode": d["status_code"],
                "responseCode": d["response_code"],
                "error": d["error"],
                "sentAt": d["sent_at"],
            }
            for d in deliveries
        ],
    }


def adjustment(row: sqlite3.Row) -> dict[str, object]:
    shown: dict[str, object] = {
        "id": row["id"],
        "kind": row["kind"],
        "date": row["settle_date"],
        "paymentRequestId": row["payment_request_id"],
    }
    if row["kind"] == "extra":
        shown.update(
            virtualAccountNo=row["virtual_account_no"],
            trxId=row["trx_id"],
            channel=row["channel"],
            amount=row["amount"],
            paidAt=row["paid_at"],
            referenceNo=row["reference_no"],
            ntpn=row["ntpn"],
        )
    elif row["kind"] == "amount":
        shown["amount"] = row["amount"]
    return shown


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")
