"""Order errors: one domain error type (core ApplicationError) with codes the screens and the API show."""

from enum import StrEnum

from core.errors import ApplicationError, Conflict, TransitionNotAllowed


class OrderErrorCode(StrEnum):
    ORDER_NOT_DRAFT = "order_not_draft"
    NO_ELIGIBLE_PBX = "no_eligible_pbx"
    PBX_REQUIRED = "pbx_required"
    PBX_NOT_RECEIVING = "pbx_not_receiving"
    LINE_NOT_IN_ORDER = "line_not_in_order"
    DUPLICATE_DEVICES = "duplicate_devices"
    DEVICE_IN_STOCK = "device_in_stock"
    DEVICE_HELD_BY_RECEIVING_ACCOUNT = "device_held_by_receiving_account"
    PRODUCT_NOT_UNSELECTED = "product_not_unselected"
    OWNERSHIP_MISMATCH = "ownership_mismatch"
    TOO_MANY_DEVICES = "too_many_devices"
    WIZARD_STEP_NOT_ALLOWED = "wizard_step_not_allowed"


class OrderInvalid(ApplicationError):
    """The confirmation's input breaks a rule of DOMAIN.md; nothing was changed."""

    status_code = 400
    default_code = "invalid"


class OrderNotDraft(TransitionNotAllowed):
    """Only a draft order can be confirmed, previewed or walked through the wizard."""

    default_code = OrderErrorCode.ORDER_NOT_DRAFT.value

    def __init__(self, *, status: str):
        super().__init__(
            f"The order is {status}: only a draft order can be confirmed.", extra={"stage": status}
        )


class WizardStepNotAllowed(Conflict):
    """A wizard screen was opened or saved out of order."""

    default_code = OrderErrorCode.WIZARD_STEP_NOT_ALLOWED.value
