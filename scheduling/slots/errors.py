"""The calculator's one error type."""


class InvalidInput(ValueError):
    """An input cannot be used as given; the message says what to change."""
