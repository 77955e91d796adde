"""Stage 3: captions of the article's own images, each with its photo credit split off and its
image URL. Teasers of other articles (images inside links or related/promo boxes) are not captions;
a caption shown twice (a hidden lightbox copy) is one caption."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from scraper.article import Caption
from scraper.extract.data import CAPTION_LABELS, CREDIT_LABELS, CREDIT_WORDS, agency_for, fold
from scraper.extract.dom import ancestors, chrome_reason, element_text, is_hidden
from scraper.text import clean_text, fingerprint_text

_TRAILING_PAREN = re.compile(r"\s*[\(\[]([^()\[\]]{1,60})[\)\]]\s*[.،]?\s*$")
_CAPTION_TOKENS = frozenset({"caption", "cap"})
_CAPTION_XPATH = (
    ".//figcaption | .//*[contains(translate(@class,'CAPTION','caption'),'caption')]"
    " | .//*[contains(concat(' ', translate(@class,'_','-'), ' '),'-cap ')]"
)


def _is_credit(text: str) -> bool:
    words = fold(text).split()
    if not words or len(words) > 6:
        return False
    if any(w in CREDIT_WORDS for w in words) or agency_for(text):
        return True
    parts = re.split(r"\s*[-/،,]\s*", text)
    if any(agency_for(p) or fold(p) in CREDIT_WORDS for p in parts if p):
        return True
    return not re.search(r"[\u0600-\u06ff]", text) and text[:1].isupper()


def split_credit(text: str) -> tuple[str, str | None]:
    """``من لقاء ... (أرشيف - غيتي)`` -> (``من لقاء ...``, ``أرشيف - غيتي``)."""
    text = clean_text(text)
    for label in CAPTION_LABELS:
        if text.startswith(label):
            text = text[len(label):].lstrip(" :،,")
            break
    for label in CREDIT_LABELS:
        index = text.find(label)
        if index >= 0 and (index == 0 or text[index - 1] in " (-–—|/"):
            credit = text[index + len(label):].strip(" :،,()")
            return clean_text(text[:index].rstrip(" -–—|/(")), clean_text(credit) or None
    match = _TRAILING_PAREN.search(text)
    if match and _is_credit(match.group(1)):
        return clean_text(text[: match.start()]), clean_text(match.group(1))
    return text, None


def _image_url(el: Any, base: str) -> str | None:
    figure = el
    for _ in range(3):
        if figure is None:
            break
        for img in figure.iter("img"):
            src = img.get("src") or ""
            if not src or src.startswith("data:"):
                src = img.get("data-src") or img.get("data-original") or ""
            if src and not src.startswith("data:"):
                return urljoin(base, src.strip())
        figure = figure.getparent()
    return None


def _teaser_or_chrome(el: Any, scope: Any) -> bool:
    for node in [el, *ancestors(el)]:
        if node is scope:
            return False
        if (node.tag == "a" and node.get("href")) or is_hidden(node):
            return True
        reason = chrome_reason(node)
        if reason and reason not in _CAPTION_TOKENS:
            return True
    return False


def extract_captions(scope: Any, base_url: str, selector: Any = None) -> list[Caption]:
    if scope is None:
        return []
    elements = selector(scope) if selector is not None else scope.xpath(_CAPTION_XPATH)
    captions: list[Caption] = []
    seen: set[str] = set()
    for el in elements:
        if any(a.tag == "figcaption" for a in ancestors(el, 4)) or _teaser_or_chrome(el, scope):
            continue
        raw = element_text(el)
        text, credit = split_credit(raw)
        if not credit:
            credit = _figure_credit(el)
        key = fingerprint_text(text)
        if not key or key in seen or len(text) < 3:
            continue
        seen.add(key)
        captions.append(Caption(text=text, credit=credit, image_url=_image_url(el, base_url)))
    return captions


def _figure_credit(el: Any) -> str | None:
    """A credit printed beside the caption inside the same <figure> (BBC: ``صدر الصورة، EPA``)."""
    figure = next((a for a in ancestors(el, 3) if a.tag == "figure"), None)
    if figure is None:
        return None
    holders = set(ancestors(el))
    for node in figure.iter():
        if node is el or node in holders or not isinstance(node.tag, str):
            continue
        if node.tag in ("figcaption", "img", "picture"):
            continue
        text = element_text(node)
        for label in CREDIT_LABELS:
            if text.startswith(label):
                return clean_text(text[len(label):].strip(" :،,")) or None
    return None
