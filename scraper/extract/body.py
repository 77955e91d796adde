"""Stage 2: the body, chosen from the text outward by a scoring classifier, not by vetoes.

1. **Lines.** The page's ``<body>`` is cut into lines of visible text in reading order (a line
   ends at every block boundary and ``<br>``; hidden elements and scripts are left out).
2. **Each line on its own** (jusText's context-free classification): its length, link density
   and stop-word density (scraper/data/stopwords_ar.yaml, a short curated list of function
   words) make it *good*, *near-good*, *short* or *bad*. Weak nudges then move it by one class at
   most: sentence punctuation (prose has ``،``/``.``; headline teasers often have none), where it
   sits (before the headline means ticker or header), and its class/id words matched whole
   (``related`` moves a line down, ``article`` up; ``position-relative`` matches nothing).
   Element names are stronger evidence: text in ``nav``/``aside``/``footer`` is page chrome, in
   ``figure``/``figcaption`` it is a caption. Boilerplate phrases (scraper/data/boilerplate.yaml)
   count only for a SHORT line (a few words; a line mostly of links is bad already) — a real
   paragraph starting with ``إعلان`` is text — and in the tail, after the last body paragraph.
3. **Context** (jusText's revision): a short or near-good line takes the class of its
   neighbours, so a one-line paragraph between two good ones stays, and a teaser among links
   goes; a sub-heading stays when good text follows it closely.
4. **Container** (Readability's candidate scoring): each good line scores
   ``1 + punctuation + min(length / 100, 3)``, added in full to its parent and half to its
   grandparent; a candidate's score is scaled by ``1 - link density`` of all its text, and by 0.3
   when its text arrives through look-alike labelled boxes (comments, teasers). The best candidate
   is the article's text; siblings that score close to it join it, except those between the
   headline and the text (the head). The body is the good lines inside it, in order, less
   link-heavy boxes and groups of labelled look-alike boxes (Readability's conditional cleaning).
   Metadata is never needed: ``itemprop=articleBody`` only replaces the choice when it holds a
   fair share of the good text; a declared site's body rule is final.
5. **Fallback** (trafilatura's idea of a rescue stage): a page with no good line but a headline
   — a two-sentence flash — takes the sentences right after the headline.

Where the ideas come from: jusText (miso-belica/jusText: block classes by length, link density
and stop-word density with its default thresholds; the revision from neighbours; headings near
good text), Readability (mozilla/readability: paragraph scores to parent and half to
grandparent, scaled by link density; class words as a weight; siblings joined over a threshold;
conditional cleaning of link-heavy boxes), trafilatura (adbar/trafilatura: a fallback when the
main pass finds nothing, and boilerplate decided on the text of short blocks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scraper.article import Block
from scraper.extract.data import BLOCK_CONTAINS, BLOCK_STARTS, fold, stop_word_count
from scraper.extract.dom import BLOCK_TAGS, HEADINGS, Line, class_weight, is_hidden, iter_lines
from scraper.extract.page import Page
from scraper.text import clean_text, fingerprint_text

GOOD, NEAR, SHORT, BAD = 3, 2, 1, 0
# jusText's defaults: lengths in characters, link density as a share of the line's characters
LENGTH_LOW = 70
LENGTH_HIGH = 200
MAX_LINK_DENSITY = 0.2
MAX_HEADING_DISTANCE = 200
# Stop-word density of Arabic news prose with the curated list: paragraphs sit at 0.15-0.35,
# headline teasers and menus near 0 (measured on the saved pages; the list, not the pages, sets it).
STOP_HIGH = 0.15
STOP_LOW = 0.05
SHORT_WORDS = 8  # "a few words": where a boilerplate phrase is evidence on its own
# sentence punctuation, a run ("...", "؟!") counting once
_PUNCT = re.compile(r"[،؛؟.!?,;:]+")
_CHROME_TAGS = frozenset({"nav", "aside", "footer", "menu"})
_CHROME_ROLES = frozenset({"navigation", "complementary", "contentinfo", "menu", "menubar", "banner"})
_CAPTION_TAGS = frozenset({"figure", "figcaption", "picture"})
# a block element that is itself a paragraph: its score goes to its parent
_PARAGRAPH_TAGS = frozenset({"p", "li", "dd", "dt", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "address"})
@dataclass(slots=True)
class BodyResult:
    container: Any | None
    lines: list[Line]  # every line of the page, the list the indices point into
    blocks: list[Block]
    indices: list[int] = field(default_factory=list)  # line index of each block
    headline: int | None = None  # line index of the headline


# the characters a boilerplate phrase can open with, as printed (before folding): most lines are
# ruled out without folding them
_FOLDED_FORMS = {"ا": "اأإآٱ", "ي": "يىئ", "و": "وؤ", "ه": "هة"}
_FIRST_LETTER = re.compile(r"[^\W_]|©")  # past any quote, dash or invisible mark, as folding skips them
_PHRASE_FIRST = frozenset(
    ch for p in BLOCK_STARTS if p for ch in (_FOLDED_FORMS.get(p[0], p[0]) + p[0].upper())
)


# the letter folding of fingerprint_text that matters for function words, as plain replaces: a
# density is a measure, and the full fingerprint (NFC, diacritics, digits) costs three times more
_LIGHT_FOLD = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ى", "ي"), ("ئ", "ي"), ("ؤ", "و"), ("ة", "ه"))


def stop_density(text: str, sample: int = 800) -> float:
    """Share of function words (on the first ``sample`` characters: a measure, not a count)."""
    folded = text[:sample].lower()
    for variant, base in _LIGHT_FOLD:
        folded = folded.replace(variant, base)
    words = folded.split()
    if not words:
        return 0.0
    return stop_word_count(words) / len(words)


def has_phrase(text: str, *, starts: bool = True) -> bool:
    first = _FIRST_LETTER.search(text[:24]) if starts else None
    if first is not None and first.group(0) in _PHRASE_FIRST:
        folded = fold(text[:80])
        if folded.startswith(BLOCK_STARTS):  # a tuple: one C call
            return True
    return any(p in text for p in BLOCK_CONTAINS)


def is_boilerplate(text: str) -> bool:
    """A short block (a few words) that is a prompt, a label or a copyright line."""
    return len(text.split()) <= SHORT_WORDS and has_phrase(text)


class _Context:
    """Per-element evidence from the ancestors, memoized: chrome or caption by element name, and
    the class/id weight of the nearest few levels."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.kind: dict[Any, int] = {}  # 0 text, 1 chrome, 2 caption
        self.weight: dict[Any, int] = {}

    def _own_kind(self, el: Any) -> int:
        tag = el.tag
        if tag in _CHROME_TAGS or (el.get("role") or "").lower() in _CHROME_ROLES:
            return 1
        return 2 if tag in _CAPTION_TAGS else 0

    def kind_of(self, el: Any) -> int:
        chain = []
        node = el
        while node is not None and node not in self.kind:
            chain.append(node)
            if node is self.root:
                break
            node = node.getparent()
        inherited = self.kind.get(node, 0) if node is not None else 0
        for item in reversed(chain):
            own = self._own_kind(item)
            inherited = inherited or own
            self.kind[item] = inherited
        return self.kind[el]

    def weight_of(self, el: Any, levels: int = 4) -> int:
        total = 0
        node = el
        for _ in range(levels):
            if node is None or node is self.root:
                break
            w = self.weight.get(node)
            if w is None:
                w = self.weight[node] = class_weight(node)
            total += w
            node = node.getparent()
        return max(-1, min(1, total))


def _punctuation_upto(text: str, most: int) -> int:
    """Runs of punctuation in ``text``, counted up to ``most`` (all _classify asks: none, or three
    and more): a long paragraph is not scanned to its end."""
    count = 0
    for _ in _PUNCT.finditer(text):
        count += 1
        if count >= most:
            break
    return count


def _classify(line: Line, stop: float, punct: int, before_headline: bool, weight: Callable[[], int]) -> int:
    """jusText's context-free class of a line that is neither links, chrome nor the headline,
    nudged by punctuation, position and (``weight()``, asked only when it can matter) class words."""
    n = len(line.text)
    if n < LENGTH_LOW:
        return SHORT
    if stop >= STOP_HIGH:
        klass = GOOD if n >= LENGTH_HIGH else NEAR
    elif stop >= STOP_LOW:
        klass = NEAR
    else:
        return BAD
    # weak nudges, one class each way at most
    nudge = weight()
    if punct == 0:
        nudge -= 1
    elif punct >= 3 and klass == NEAR and n >= 120:
        nudge += 1
    if before_headline:
        nudge -= 1
    nudge = max(-1, min(1, nudge))
    return max(SHORT, min(GOOD, klass + nudge))


def _neighbours(final: list[int], ignore_near: bool) -> tuple[list[int], list[int]]:
    """jusText's neighbours of every line, in two passes: the class of the nearest line before and
    after that is not short (nor near-good when ``ignore_near``); the page's edges count as bad."""
    skip = (SHORT, NEAR) if ignore_near else (SHORT,)
    before, after = [BAD] * len(final), [BAD] * len(final)
    last = BAD
    for i, k in enumerate(final):
        before[i] = last
        if k not in skip:
            last = k
    last = BAD
    for i in range(len(final) - 1, -1, -1):
        after[i] = last
        if final[i] not in skip:
            last = final[i]
    return before, after


def _revise(klass: list[int], lines: list[Line], fixed: list[bool]) -> list[int]:
    """jusText's revision: headings near good text, short lines by their neighbours, near-good
    lines unless both neighbours are bad. ``fixed`` lines (links, chrome, phrases) stay bad."""
    final = list(klass)
    # headings followed closely by good text are near-good (jusText's "good headings")
    for i, line in enumerate(lines):
        if not line.heading or fixed[i]:
            continue
        distance = 0
        for j in range(i + 1, len(lines)):
            if klass[j] == GOOD:
                final[i] = max(final[i], NEAR)
                break
            distance += len(lines[j].text)
            if distance > MAX_HEADING_DISTANCE:
                break
    # short lines take their neighbours' class
    before, after = _neighbours(final, ignore_near=True)
    loose_before, loose_after = _neighbours(final, ignore_near=False)
    revised = list(final)
    for i, k in enumerate(final):
        if k != SHORT:
            continue
        prev, nxt = before[i], after[i]
        if prev == GOOD and nxt == GOOD:
            revised[i] = GOOD
        elif prev == BAD and nxt == BAD:
            revised[i] = BAD
        elif (prev == BAD and loose_before[i] == NEAR) or (nxt == BAD and loose_after[i] == NEAR):
            revised[i] = GOOD
        else:
            revised[i] = BAD
    # near-good lines stay unless both neighbours are bad
    before, after = _neighbours(revised, ignore_near=True)
    for i, k in enumerate(revised):
        if k == NEAR:
            revised[i] = BAD if before[i] == BAD and after[i] == BAD else GOOD
    return revised


def _paragraph_score(line: Line) -> float:
    return 1.0 + len(_PUNCT.findall(line.text)) + min(len(line.text) / 100, 3.0)


def _ancestors_within(el: Any, members: set[Any], limit: int = 100_000) -> bool:
    node = el
    while node is not None and limit:
        if node in members:
            return True
        node = node.getparent()
        limit -= 1
    return False


class _Ancestry:
    """Which of ``targets`` hold an element (the element itself or an ancestor), memoized per
    element: one walk up per element of the page, however many lines share it."""

    def __init__(self, targets: set[Any]) -> None:
        self.targets = targets
        self.memo: dict[Any, tuple[Any, ...]] = {}

    def of(self, el: Any) -> tuple[Any, ...]:
        chain = []
        node = el
        while node is not None and node not in self.memo:
            chain.append(node)
            node = node.getparent()
        held = self.memo[node] if node is not None else ()
        for item in reversed(chain):
            if item in self.targets:
                held = (*held, item)
            self.memo[item] = held
        return self.memo[el]


ITEM_LIST_WEIGHT = 0.3
_FAR_DIVIDERS = (6, 9, 12)
_MIN_ITEMS = 3


def _is_item_list(parents: set[Any], per_owner: dict[Any, int]) -> bool:
    """Text that reaches a container through many look-alike boxes, each with a line of its own
    besides its paragraph (a name, a date, a title): comments, teasers with summaries, a listing.
    A story's paragraphs reach their container directly, or through wrappers holding nothing else."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for parent in parents:
        groups.setdefault((parent.tag, parent.get("class") or ""), []).append(parent)
    group = max(groups.values(), key=len)
    if len(group) < _MIN_ITEMS:
        return False
    labelled = sum(1 for parent in group if per_owner.get(parent, 0) >= 1)
    return labelled >= 0.75 * len(group)


def _common_top(final: dict[Any, float], top: int = 5, share: float = 0.75, quorum: int = 3) -> Any:
    """The best candidate, or (readability.js) the nearest ancestor holding ``quorum`` of the
    runners-up that score within ``share`` of it: text split into equal boxes (a table per
    paragraph) is one story, not its first box."""
    ranked = sorted(final, key=lambda c: final[c], reverse=True)
    best = ranked[0]
    close = [c for c in ranked[1:top] if final[c] >= share * final[best]]
    if len(close) < quorum:
        return best
    node = best.getparent()
    while node is not None and node.tag not in ("body", "html"):
        if sum(1 for c in close if _ancestors_within(c, {node})) >= quorum:
            return node
        node = node.getparent()
    return best


def _choose_container(
    lines: list[Line], good: list[int], declared: list[Any], headline: Any | None = None
) -> tuple[Any, set[Any]]:
    """Readability: good lines score their parent in full and grandparent by half; candidates are
    scaled by (1 - link density); close-scoring siblings join the best, except the one holding the
    headline: what sits beside the headline is the head (standfirst, byline), not the body."""
    scores: dict[Any, float] = {}
    per_owner: dict[Any, int] = {}
    for line in lines:
        per_owner[line.owner] = per_owner.get(line.owner, 0) + 1
    via: dict[Any, set[Any]] = {}  # grandparent -> the parents its half scores came through
    for i in good:
        line = lines[i]
        owner = line.owner
        # a div/td holding one line is a paragraph (Readability turns such divs into <p>); one
        # holding several lines between <br>s is itself the paragraphs' container
        paragraph = owner.tag in _PARAGRAPH_TAGS or per_owner[owner] == 1
        parent = owner.getparent() if paragraph else owner
        if parent is None:
            continue
        score = _paragraph_score(line)
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
            via.setdefault(grand, set()).add(parent)
            # readability.js goes on up: 1/6, 1/9, 1/12 to the next three ancestors, so text set
            # one paragraph per wrapper (a table per paragraph) still reaches its container
            node = grand.getparent()
            for divider in _FAR_DIVIDERS:
                if node is None:
                    break
                scores[node] = scores.get(node, 0.0) + score / divider
                node = node.getparent()
    if not scores:
        return None, set()
    for grand, parents in via.items():
        if _is_item_list(parents, per_owner):
            scores[grand] *= ITEM_LIST_WEIGHT
    # link density of each candidate over all its text
    totals: dict[Any, list[int]] = {c: [0, 0] for c in scores}
    holders = _Ancestry(set(scores))
    for line in lines:
        n, links = len(line.text), line.link_chars
        for candidate in holders.of(line.owner):
            acc = totals[candidate]
            acc[0] += n
            acc[1] += links
    final = {c: s * (1 - (totals[c][1] / totals[c][0] if totals[c][0] else 0.0)) for c, s in scores.items()}
    best = _common_top(final)
    good_owners = {lines[i].owner for i in good}
    for el in declared:
        # the page's own declaration, when it holds a fair share of the good text; a declared
        # element around the best candidate adds only its chrome (tags, next/previous links)
        if _ancestors_within(best, {el}):
            break
        holders = _Ancestry({el, best})
        held = sum(len(lines[i].text) for i in good if el in holders.of(lines[i].owner))
        best_held = sum(len(lines[i].text) for i in good if best in holders.of(lines[i].owner))
        if held > 0 and held >= 0.5 * best_held:
            best = el
            break
    members = {best}
    parent = best.getparent()
    if parent is not None:
        threshold = max(10.0, final.get(best, 0.0) * 0.2)  # Readability's sibling threshold
        in_head = False  # between the headline and the text: the head (standfirst, byline)
        for sibling in parent:
            if sibling is best:
                in_head = False
                continue
            if headline is not None and _ancestors_within(headline, {sibling}):
                in_head = True
                continue
            if in_head or not isinstance(sibling.tag, str):
                continue
            if final.get(sibling, 0.0) >= threshold or sibling in good_owners:
                members.add(sibling)
    return best, members


def _clean_boxes(
    lines: list[Line], chosen: list[int], members: set[Any], is_caption: Callable[[Line], bool]
) -> list[int]:
    """Readability's conditional cleaning: inside the container, a box whose text is more than a
    fifth links and has few sentences (a promo, a "read also" card, a podcast teaser set into the
    story) is not the story, even when a line of it reads like prose."""
    boxes: dict[Any, list[int]] = {}  # element -> [chars, link chars, punctuation, chosen chars]
    for i in chosen:
        node = lines[i].owner
        while node is not None and node not in members:
            if node.tag not in _PARAGRAPH_TAGS:
                boxes.setdefault(node, [0, 0, 0, 0])
            node = node.getparent()
    if not boxes:
        return chosen
    holders = _Ancestry(set(boxes))
    for line in lines:
        held = holders.of(line.owner)
        if held and not is_caption(line):  # a photo's caption is the story's, not a box's own text
            punct = len(_PUNCT.findall(line.text))
            for box in held:
                stats = boxes[box]
                stats[0] += len(line.text)
                stats[1] += line.link_chars
                stats[2] += punct
    total = sum(len(lines[i].text) for i in chosen)
    for i in chosen:
        node = lines[i].owner
        while node is not None and node not in members:
            stats = boxes.get(node)
            if stats is not None:
                stats[3] += len(lines[i].text)
            node = node.getparent()
    dropped = {
        el for el, (chars, links, punct, held) in boxes.items()
        if chars and links / chars > MAX_LINK_DENSITY and punct < 10 and held < total / 3
    }
    # look-alike boxes side by side, each with a label of its own besides the chosen line (a
    # linked title, a short name or date): teasers or comments set inside the container, not
    # paragraphs of the story (an interview's question is longer than a label, and not a link)
    groups: dict[tuple[Any, str, str], list[Any]] = {}
    for el in boxes:
        groups.setdefault((el.getparent(), el.tag, el.get("class") or ""), []).append(el)
    for group in groups.values():
        if len(group) >= _MIN_ITEMS:
            labelled = [el for el in group if _labelled(*boxes[el])]
            if len(labelled) >= 0.75 * len(group):
                dropped.update(group)
    if not dropped:
        return chosen
    inside_dropped = _Ancestry(dropped)
    return [i for i in chosen if not inside_dropped.of(lines[i].owner)]


def _labelled(chars: int, links: int, punct: int, held: int) -> bool:
    extra = chars - held
    return extra > 0 and (extra <= _LABEL_CHARS or links >= extra / 2)


_LABEL_CHARS = 60


def _headline_index(lines: list[Line], title_el: Any, title_key: str | None) -> int | None:
    if title_el is not None:
        found = None
        inside = set(title_el.iter())
        block = title_el  # an inline headline (<b>, <font>) is read as part of its block's line
        while block is not None and block.tag not in BLOCK_TAGS:
            block = block.getparent()
        for i, line in enumerate(lines):
            if line.owner in inside or line.owner is block:
                found = i
            elif found is not None:
                return found
        if found is not None:
            return found
    if title_key:
        for i, line in enumerate(lines):
            if _is_title(line.text, title_key):
                return i
    return None


def _is_title(text: str, title_key: str | None) -> bool:
    if not title_key or not 0.7 * len(title_key) <= len(text) <= 1.5 * len(title_key) + 10:
        return False
    return fingerprint_text(text) == title_key


def _rescue(lines: list[Line], words: list[int], fixed: list[bool], headline: int | None) -> list[int]:
    """No good line: a short item (a flash, a two-sentence عاجل) is the prose right after the
    headline, up to the first line that is not prose."""
    if headline is None:
        return []
    out: list[int] = []
    for i in range(headline + 1, min(len(lines), headline + 8)):
        if fixed[i]:
            if out:
                break
            continue
        # a flash is written like a headline (few function words), but in sentences
        if _PUNCT.search(lines[i].text) and words[i] >= 6:
            out.append(i)
        elif out:
            break
    return out


def extract_body(
    page: Page,
    title: str | None,
    rule: Callable[[Any], list[Any]] | None = None,
    exclude: Callable[[Any], bool] | None = None,
    title_el: Any | None = None,
    *,
    lines: list[Line] | None = None,
) -> BodyResult:
    """The body of ``page``; ``lines``: the page's lines from an earlier call (a second reading
    with a headline found meanwhile need not walk the tree again)."""
    root = page.tree.find("body")
    if root is None:
        return BodyResult(None, [], [])

    def skip_excluded(el: Any) -> bool:
        return is_hidden(el) or exclude(el)

    skip = is_hidden if exclude is None else skip_excluded

    if lines is None:
        lines = iter_lines(root, skip, clean=False)
    title_key = fingerprint_text(title) if title else None
    headline = _headline_index(lines, title_el, title_key)
    context = _Context(root)
    n = len(lines)
    klass = [BAD] * n
    fixed = [True] * n  # bad whatever the neighbours: links, chrome, captions, the headline, phrases
    words = [0] * n
    # _is_title's length window, once: a call per line cost more than the test
    shortest, longest = (0.7 * len(title_key), 1.5 * len(title_key) + 10) if title_key else (1.0, 0.0)
    for i, line in enumerate(lines):
        if line.link_chars > MAX_LINK_DENSITY * len(line.text):  # mostly links: never body text
            continue
        text = line.text
        if i == headline or context.kind_of(line.owner) or (
            shortest <= len(text) <= longest and fingerprint_text(text) == title_key
        ):
            continue
        words[i] = count = text.count(" ") + 1
        if count <= SHORT_WORDS and has_phrase(text):  # a short prompt, label or copyright line
            continue
        fixed[i] = False
        stop = stop_density(text) if len(text) >= LENGTH_LOW else 0.0
        before = headline is not None and i < headline
        owner = line.owner
        klass[i] = _classify(line, stop, _punctuation_upto(text, 3), before, lambda o=owner: context.weight_of(o))
    final = _revise(klass, lines, fixed)
    good = [i for i in range(n) if final[i] == GOOD]
    rescued = False
    if not good:
        good = _rescue(lines, words, fixed, headline)
        rescued = bool(good)
    ruled = rule(page.tree) if rule is not None else []
    headline_el = lines[headline].owner if headline is not None else None
    if ruled:  # a site rule says where the text is: its word is final
        container, members = ruled[0], {ruled[0]}
    elif good:
        container, members = _choose_container(lines, good, page.declared_body, headline_el)
    else:
        container, members = None, set()
    in_members = _Ancestry(members)
    chosen = [i for i in good if rescued or in_members.of(lines[i].owner)]
    if not rescued:
        chosen = _clean_boxes(lines, chosen, members, lambda line: context.kind_of(line.owner) == 2)
    # the tail: trailing lines that hold a boilerplate phrase are chrome, whatever their length
    while chosen and has_phrase(lines[chosen[-1]].text):
        chosen.pop()
    blocks: list[Block] = []
    indices: list[int] = []
    for i in chosen:
        line = lines[i]
        text = clean_text(line.text)
        if not text:
            continue
        is_heading = line.heading or line.owner.tag in HEADINGS
        blocks.append(Block("heading" if is_heading else "paragraph", text))
        indices.append(i)
    while blocks and blocks[-1].kind == "heading":  # a trailing heading labels what was cut
        blocks.pop()
        indices.pop()
    return BodyResult(container, lines, blocks, indices, headline)
