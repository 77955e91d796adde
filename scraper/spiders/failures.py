"""One-line reasons for downloads that failed for good (after the retries), for the
``extraction_failure`` rows of stage ``download``."""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


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
    # Scrapy 2.13+ wraps the Twisted errors in its own (absent from older versions).
    refused = getattr(scrapy_errors, "DownloadConnectionRefusedError", net.ConnectionRefusedError)
    no_host = getattr(scrapy_errors, "CannotResolveHostError", net.DNSLookupError)
    timed_out = getattr(scrapy_errors, "DownloadTimeoutError", net.TimeoutError)
    lost = getattr(scrapy_errors, "ResponseDataLossError", ResponseFailed)
    if isinstance(exception, net.TimeoutError | TimeoutError | timed_out):
        return 0, f"timed out (no complete answer in {timeout:g} s)"
    if isinstance(exception, net.DNSLookupError | no_host):
        text = str(exception).strip()
        return 0, text if text.startswith("DNS lookup failed") else f"DNS lookup failed: {text}"
    if isinstance(exception, net.ConnectionRefusedError | refused):
        return 0, "connection refused"
    if isinstance(exception, net.ConnectionLost | net.ConnectionDone | ResponseFailed | ResponseNeverReceived | lost):
        return 0, "connection reset or closed before the whole answer arrived"
    if isinstance(exception, IgnoreRequest):  # redirect cap, off-site redirect, robots.txt, size limit
        return 0, str(exception) or "request ignored"
    first = str(exception).strip().splitlines()
    return 0, f"{type(exception).__name__}: {first[0] if first else 'no message'}"
