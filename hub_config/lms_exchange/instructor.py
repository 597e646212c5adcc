"""Instructor actions: in the LMS, never from a lab."""

from nbgrader.exchange.abc import (
    ExchangeCollect,
    ExchangeError,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
)

from . import messages
from .exchange import LMSExchange, last_error


class LMSOnly(LMSExchange):
    """Refuse with the address of the LMS page that does it."""

    def start(self):
        message = messages.LMS_ONLY.format(admin_url=self.admin_url)
        self.log.error("%s", message)
        last_error.message = message
        raise ExchangeError(message)


class LMSReleaseAssignment(LMSOnly, ExchangeReleaseAssignment):
    pass


class LMSReleaseFeedback(LMSOnly, ExchangeReleaseFeedback):
    pass


class LMSCollect(LMSOnly, ExchangeCollect):
    pass
