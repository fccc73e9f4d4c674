"""Errors the domain raises on purpose; views and the API turn them into 4xx answers."""


class DomainError(Exception):
    """A rule of the domain refused the request. The message is for the user, already translated."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Unavailable(DomainError):
    """A system we depend on does not answer now; nothing was changed, trying again later may work."""

    status_code = 503
