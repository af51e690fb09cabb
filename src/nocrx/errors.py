"""All domain errors. Each has a stable code, an HTTP status and a plain-English message.

Bad input and missing reference data raise these; a claim line that breaks a payer rule
does not (that is a Finding, see ``nocrx.model``). The edges translate them once: the CLI
prints ``Error [CODE]: message`` and exits 2, the API answers ``application/problem+json``.

    NocrxError
     ├── InvalidInput            a field of the input contract is missing or malformed
     │    └── InvalidNDC         an NDC that cannot be read (or a bare 10-digit one we cannot resolve)
     ├── UnknownPayer            no payer profile with that id
     ├── InvalidPayerProfile     a profile file that does not validate (names file and key)
     ├── DataFileError           a reference-data file that cannot be read or recognised
     ├── DataNotLoaded           the store holds no release of the data a command needs
     └── X12Error                an 837 that cannot be read at all (not a rule finding)
"""

from __future__ import annotations

from typing import ClassVar


class NocrxError(Exception):
    """Base class: every error nocrx raises on purpose."""

    code: ClassVar[str] = "NOCRX_ERROR"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InvalidInput(NocrxError):
    code = "INVALID_INPUT"
    http_status = 422


class InvalidNDC(InvalidInput):
    code = "INVALID_NDC"


class UnknownPayer(NocrxError):
    code = "UNKNOWN_PAYER"
    http_status = 404


class InvalidPayerProfile(NocrxError):
    code = "INVALID_PAYER_PROFILE"
    http_status = 500


class DataFileError(NocrxError):
    code = "DATA_FILE_ERROR"
    http_status = 422


class DataNotLoaded(NocrxError):
    code = "DATA_NOT_LOADED"
    http_status = 503


class X12Error(NocrxError):
    code = "X12_ERROR"
    http_status = 422


ALL_ERRORS: tuple[type[NocrxError], ...] = (
    NocrxError,
    InvalidInput,
    InvalidNDC,
    UnknownPayer,
    InvalidPayerProfile,
    DataFileError,
    DataNotLoaded,
    X12Error,
)
