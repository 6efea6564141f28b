"""The support app's one exception: a request that breaks a rule, with a message safe to show."""


class SupportError(Exception):
    """A request that breaks a rule; the message is safe to show to the customer or to staff."""
