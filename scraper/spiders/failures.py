"""One-line reasons for downloads that failed for good (after the retries), for the
``extraction_failure`` rows of stage ``download``.

Scrapy 2.13+ wraps Twisted's errors in its own (``DownloadTimeoutError``, ``DownloadFailedError``
...); both families are named here, so a row says "timed out", not a repr of a Twisted Failure.
"""

from __future__ import annotations

import re

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

TIMEOUTS = (net.TimeoutError, TimeoutError, scrapy_errors.DownloadTimeoutError)
RESETS = (
    net.ConnectionLost, net.ConnectionDone, ResponseFailed, ResponseNeverReceived,
    scrapy_errors.DownloadFailedError, scrapy_errors.ResponseDataLossError,
)  # fmt: skip
REFUSED = (net.ConnectionRefusedError, scrapy_errors.DownloadConnectionRefusedError)
DNS = (net.DNSLookupError, scrapy_errors.CannotResolveHostError)
# Scrapy's messages for a body over DOWNLOAD_MAXSIZE, as sent and after Content-Encoding is undone.
OVER_MAXSIZE = re.compile(r"(?:receive|Received) (\d+) bytes which is larger than download max size \((\d+)\)")
INFLATES = re.compile(r"\((\d+) B compressed, (\d+) B decompressed so far\) exceeded DOWNLOAD_MAXSIZE \((\d+) B\)")


def download_failure(exception: BaseException, timeout: float) -> tuple[int, str]:
    """(HTTP status or 0, reason) for a download's final failure."""
    if isinstance(exception, HttpError):
        response = exception.response
        status = response.status
        if response.headers.get("X-Akhbar-Replay") == b"miss":
            return status, "not in the replay archive"
        retried = response.request.meta.get("retry_times", 0) if response.request is not None else 0
        tries = f" after {retried + 1} tries" if retried else ""
        return status, f"HTTP {status}{tries}"
    if isinstance(exception, TIMEOUTS):
        return 0, f"timed out (no complete answer in {timeout:g} s)"
    if isinstance(exception, DNS):
        return 0, f"DNS lookup failed: {first_line(exception)}"
    if isinstance(exception, REFUSED):
        return 0, "connection refused"
    message = str(exception)
    if found := OVER_MAXSIZE.search(message):
        return 0, f"answer of {found[1]} bytes is larger than DOWNLOAD_MAXSIZE ({found[2]} bytes): not downloaded"
    if found := INFLATES.search(message):
        return 0, (f"compressed answer ({found[1]} bytes) inflates beyond DOWNLOAD_MAXSIZE ({found[3]} bytes):"
                   " refused")
    if isinstance(exception, RESETS):
        return 0, "connection reset or closed before the whole answer arrived"
    if isinstance(exception, IgnoreRequest):  # redirect cap, off-site redirect, robots.txt
        return 0, first_line(exception) or "request ignored"
    return 0, f"{type(exception).__name__}: {first_line(exception) or 'no message'}"


def first_line(exception: BaseException) -> str:
    lines = str(exception).strip().splitlines()
    return lines[0] if lines else ""
