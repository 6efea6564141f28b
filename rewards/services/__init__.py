"""Every write of Support Rewards. Import from here: `from rewards.services import rewards_redeem`."""

from rewards.services.accrual import AccrualReport, rewards_accrue_month
from rewards.services.enrollment import code_normalise, rewards_adjust, rewards_code_rotate, rewards_enroll
from rewards.services.expiry import ExpiryReport, rewards_expire_due, rewards_remind_expiring
from rewards.services.redemption import PreviewLine, RedemptionPreview, rewards_preview, rewards_redeem

__all__ = [
    "AccrualReport",
    "ExpiryReport",
    "PreviewLine",
    "RedemptionPreview",
    "code_normalise",
    "rewards_accrue_month",
    "rewards_adjust",
    "rewards_code_rotate",
    "rewards_enroll",
    "rewards_expire_due",
    "rewards_preview",
    "rewards_redeem",
    "rewards_remind_expiring",
]
