"""Making complex scripts copy and search as their text in the PDF dossier (pikepdf).

A PDF maps each glyph to text (the font's ToUnicode map), one glyph at a time, and
readers put the text together in the order the glyphs were drawn. Shaping breaks that
for Arabic, Thai, Burmese and the Indic scripts: one glyph for two letters (Arabic
lam-alef), glyphs no character maps to (Burmese stacked consonants), one character drawn
as two glyphs in another order (Thai sara am, the Burmese medial ra drawn before its
consonant). So the layout tells this pass what every glyph of such a run stands for
(``ShapedRun``: its cluster of characters, from Qt's shaping), and the pass:

- corrects the font's ToUnicode map where one glyph always stands for the same text;
- draws a cluster that no glyph-by-glyph map can spell with an *alias* of its font: the
  same embedded font under another resource name, whose map gives the cluster's whole
  text to its first glyph and nothing to the others (pdfminer reads only these maps);
- wraps every run of a left-to-right complex script in an ``ActualText`` span with the
  run's text (poppler, Acrobat and browsers' viewers read that); never a right-to-left
  run, whatever its line's direction or its clipping's language (poppler would read
  the span's text backwards);
- puts the runs of a right-to-left line in the stream in their logical order (Qt draws a
  line's runs from left to right, so a number in Hebrew came out at the wrong end).

Runs are found in the content stream by where their first glyph is drawn. Nothing here
changes what a page looks like. Does not import Qt.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import pikepdf
from pikepdf import Dictionary, Name, Operator

_Operation = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage
#: A PDF matrix (a, b, c, d, e, f).
_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Final[_Matrix] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

#: Glyph positions are matched to within this many points.
_TOLERANCE: Final = 0.3


@dataclass(frozen=True)
class ShapedRun:
    """The glyphs of a line of complex text, as the layout shaped them.

    Per glyph: where it is drawn (device pixels of the page, at its baseline) and which
    cluster of characters it belongs to (an index into ``texts``, in reading order).
    """

    page: int
    positions: tuple[tuple[float, float], ...]
    clusters: tuple[int, ...]
    texts: tuple[str, ...]
    right_to_left: bool
    #: Per glyph: its font's family, lower case without spaces ("notosanshebrew"), which
    #: tells apart two glyphs drawn at one spot (a letter and an empty bidi control).
    fonts: tuple[str, ...] = ()
    #: Per cluster: whether it is set right to left (Arabic or Hebrew, in a line of
    #: either direction); empty: as the line.
    backwards: tuple[bool, ...] = ()

    def backward(self, cluster: int) -> bool:
        """Whether a cluster is set right to left (its script's run, not its line)."""
        return self.backwards[cluster] if self.backwards else self.right_to_left


@dataclass
class _Drawn:
    """A BT…ET of a page's content stream whose glyphs are all glyphs of shaped lines."""

    font: str  # the resource name
    size: float
    begin: int  # index of BT among the page's operations
    end: int  # index of ET
    shows: list[int]  # indexes of the Tj operations, one per glyph
    cids: list[int]
    #: Per glyph: its line and its cluster there.
    glyphs: list[tuple[ShapedRun, int]]
    #: Per glyph: which alias font draws it (0: the font itself).
    alias: list[int] = field(default_factory=list)
    #: Per glyph: where it is drawn (its text matrix in the page's own space, and its
    #: origin there).
    matrices: list[_Matrix] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    #: Per glyph: whether it is a raised or lowered mark that stands for no text (its
    #: cluster's first glyph carries the text); drawn after the others, see ``_rewrite``.
    silent: list[bool] = field(default_factory=list)


def fix_clusters(document: pikepdf.Pdf, runs: Sequence[ShapedRun]) -> None:
    """Correct the text of complex-script runs (see the module docstring).

    Args:
        document: the dossier, changed in place.
        runs: the runs of complex text the layout painted.
    """
    by_page: dict[int, list[ShapedRun]] = defaultdict(list)
    for run in runs:
        by_page[run.page].append(run)
    drawn_by_page: dict[int, tuple[list[_Operation], list[_Drawn]]] = {}
    for number, page_runs in by_page.items():
        if number >= len(document.pages):
            continue
        page = document.pages[number]
        operations = list(pikepdf.parse_content_stream(page))
        families = {
            str(name): _family(str(font.get("/BaseFont", "")))
            for name, font in page.Resources.Font.items()
        }
        found = _find_runs(operations, page_runs, families)
        if found:
            drawn_by_page[number] = (operations, found)
    if not drawn_by_page:
        return

    fonts: dict[tuple[int, int], pikepdf.Object] = {}
    font_of: dict[int, dict[str, tuple[int, int]]] = {}
    for number in drawn_by_page:
        resources = document.pages[number].Resources.Font
        font_of[number] = {}
        for name, font in resources.items():
            fonts[font.objgen] = font
            font_of[number][name] = font.objgen

    for font in fonts.values():
        _line_up(font)
    maps = {key: _read_map(font) for key, font in fonts.items() if "/ToUnicode" in font}
    # One glyph that always stands for the same text: correct the font's own map.
    votes: dict[tuple[int, int], dict[int, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    sizes = Counter((id(run), cluster) for run in runs for cluster in run.clusters)
    for number, (_, found) in drawn_by_page.items():
        for drawn in found:
            key = font_of[number].get(drawn.font)
            if key not in maps:
                continue
            for cid, (run, glyph) in zip(drawn.cids, drawn.glyphs, strict=True):
                cluster = run.clusters[glyph]
                text = run.texts[cluster]
                if sizes[id(run), cluster] == 1 and not _mirrored(run, cluster, text):
                    votes[key][cid][text] += 1
    for key, cids in votes.items():
        for cid, texts in cids.items():
            maps[key][cid] = texts.most_common(1)[0][0]

    # Clusters the corrected map still spells wrong: drawn with an alias font.
    aliases: dict[tuple[int, int], list[dict[int, str]]] = defaultdict(list)
    widths: dict[tuple[int, int], dict[int, int]] = {}
    for number, (_, found) in drawn_by_page.items():
        for drawn in found:
            key = font_of[number].get(drawn.font)
            drawn.alias = [0] * len(drawn.cids)
            drawn.silent = [False] * len(drawn.cids)
            if key not in maps:
                continue
            if key not in widths:
                widths[key] = _widths(fonts[key])
            _assign_aliases(drawn, maps[key], aliases[key], widths[key])

    for key, font in fonts.items():
        if key in votes:
            font.ToUnicode = document.make_stream(_write_map(maps[key]))
    alias_fonts: dict[tuple[int, int], list[pikepdf.Object]] = {}
    for key, alias_maps in aliases.items():
        original = fonts[key]
        alias_fonts[key] = [
            document.make_indirect(
                Dictionary(
                    Type=Name.Font,
                    Subtype=Name.Type0,
                    BaseFont=original.BaseFont,
                    Encoding=original.Encoding,
                    DescendantFonts=original.DescendantFonts,
                    ToUnicode=document.make_stream(_write_map(mapping)),
                )
            )
            for mapping in alias_maps
        ]

    for number, (operations, found) in drawn_by_page.items():
        page = document.pages[number]
        resources = page.Resources.Font
        names: dict[tuple[str, int], str] = {}
        for drawn in found:
            key = font_of[number].get(drawn.font)
            for alias in set(drawn.alias) - {0}:
                name = f"{drawn.font}a{alias}"
                if key is not None and Name(name) not in resources:
                    resources[Name(name)] = alias_fonts[key][alias - 1]
                names[(drawn.font, alias)] = name
        rewritten = _rewrite(operations, found, names)
        page.Contents = document.make_stream(pikepdf.unparse_content_stream(rewritten))


#: The lowest descent a font's descriptor gives (thousandths of an em).
_DESCENT: Final = -600


def _line_up(font: pikepdf.Object) -> None:
    """Give a face with very deep descenders (Noto Sans Myanmar: 0.86 em) a descriptor
    descent nearer the others'.

    pdfminer boxes every glyph from the descent of its font's descriptor to one em above
    it, and keeps two glyphs on one line only while their boxes overlap by half: a Latin
    word or a quote mark beside Burmese (0.57 em apart) was read as a line of its own,
    inside a Burmese word. The descriptor's descent only describes an embedded font (the
    glyphs are drawn from the font itself), so nothing on the page moves.
    """
    try:
        descriptor = font.DescendantFonts[0].FontDescriptor
        descent = float(descriptor.Descent)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return
    if descent < _DESCENT:
        descriptor.Descent = _DESCENT


def _assign_aliases(
    drawn: _Drawn, base: dict[int, str], alias_maps: list[dict[int, str]], widths: dict[int, int]
) -> None:
    glyphs_of: dict[tuple[int, int], list[int]] = defaultdict(list)
    for position, (run, number) in enumerate(drawn.glyphs):
        glyphs_of[id(run), run.clusters[number]].append(position)
    for positions in glyphs_of.values():
        run, number = drawn.glyphs[positions[0]]
        text = run.texts[run.clusters[number]]
        spelled = "".join(base.get(drawn.cids[p], "") for p in positions)
        # A cluster of several glyphs gives all its text to its first one even when the
        # map spells it: pdfminer takes a mark above or below for a line of its own.
        if len(positions) == 1 and _same(spelled, text):
            continue
        wanted: dict[int, str] = {}
        for order, position in enumerate(positions):
            cid = drawn.cids[position]
            value = text if order == 0 else ""
            if wanted.setdefault(cid, value) != value:
                break  # the same glyph twice in one cluster: no map can say it
        else:
            chosen = 0
            for number, mapping in enumerate(alias_maps, start=1):
                if all(mapping.get(cid, value) == value for cid, value in wanted.items()):
                    chosen = number
                    break
            if not chosen:
                alias_maps.append({})
                chosen = len(alias_maps)
            alias_maps[chosen - 1].update(wanted)
            baseline = drawn.points[positions[0]][1]
            for order, position in enumerate(positions):
                drawn.alias[position] = chosen
                # A mark (no width, or raised or lowered) is drawn apart: pdfminer ends a
                # line at two glyphs without width or at a raised one. A letter that stands
                # for no text stays in its place, or the gap it left would read as a space.
                raised = abs(drawn.points[position][1] - baseline) > _TOLERANCE / 4
                mark = raised or widths.get(drawn.cids[position], 1) == 0
                drawn.silent[position] = order > 0 and mark


def _mirrored(run: ShapedRun, cluster: int, text: str) -> bool:
    """Whether a right-to-left run draws ``text`` with its mirror image's glyph: "(" with
    the glyph of ")". Such a glyph is the other bracket wherever left-to-right text uses
    it, so its text is given by an alias font (used by this run only), never by the
    font's own map."""
    return run.backward(cluster) and len(text) == 1 and unicodedata.mirrored(text) == 1


def _same(spelled: str, text: str) -> bool:
    return unicodedata.normalize("NFC", spelled) == unicodedata.normalize("NFC", text)


def _family(base_font: str) -> str:
    """A font's family as ``ShapedRun.fonts`` names it, from its PDF name (the subset tag
    and the style dropped: "/ABCDEF+NotoSansHebrew-Bold" is "notosanshebrew")."""
    name = base_font.lstrip("/").rpartition("+")[2].partition("-")[0]
    return "".join(c for c in name.lower() if c.isascii() and c.isalnum())


def _find_runs(
    operations: list[_Operation], runs: list[ShapedRun], families: dict[str, str]
) -> list[_Drawn]:
    """Every BT…ET of the page whose glyphs are all drawn where shaped glyphs are.

    ``families`` gives the family of each of the page's font resources (``_family``).

    Matrices are plain tuples (a, b, c, d, e, f) here: this loop sees every glyph.
    """
    wanted: dict[tuple[int, int], list[tuple[ShapedRun, int]]] = defaultdict(list)
    page_matrix: _Matrix | None = None
    stack: list[_Matrix] = []
    ctm: _Matrix = _IDENTITY
    found: list[_Drawn] = []
    current: _Drawn | None = None
    font, size = "", 0.0
    line: _Matrix = _IDENTITY
    glyph: tuple[ShapedRun, int] | None = None
    point = (0.0, 0.0)
    for index, instruction in enumerate(operations):
        operator = str(instruction.operator)
        if operator == "Td":
            if current is None:
                continue
            operands = instruction.operands
            tx, ty = float(operands[0]), float(operands[1])
            a, b, c, d, e, f = line
            line = (a, b, c, d, tx * a + ty * c + e, tx * b + ty * d + f)
            point = _apply(ctm, line[4], line[5])
            glyph = _take(wanted, point, families.get(current.font, ""))
            if glyph is None:
                current = None
        elif operator == "Tj":
            if current is None:
                continue
            raw = bytes(instruction.operands[0])
            if len(raw) != 2 or glyph is None:
                current = None
                continue
            current.shows.append(index)
            current.matrices.append(_multiply(line, ctm))
            current.points.append(point)
            current.cids.append(int.from_bytes(raw, "big"))
            current.glyphs.append(glyph)
            glyph = None
        elif operator == "q":
            stack.append(ctm)
        elif operator == "Q":
            ctm = stack.pop() if stack else _IDENTITY
        elif operator == "cm":
            values = [float(v) for v in instruction.operands]
            ctm = _multiply((values[0], values[1], values[2], values[3], values[4], values[5]), ctm)
            if page_matrix is None:
                # The page's first matrix takes the layout's device pixels to points.
                page_matrix = ctm
                for run in runs:
                    for number, (x, y) in enumerate(run.positions):
                        wanted[_key(*_apply(page_matrix, x, y))].append((run, number))
        elif operator == "BT":
            line = _IDENTITY
            current = _Drawn(
                font=font, size=size, begin=index, end=-1, shows=[], cids=[], glyphs=[]
            )
        elif current is None:
            continue
        elif operator == "Tf":
            font, size = str(instruction.operands[0]), float(instruction.operands[1])
            if current.shows:
                current = None  # one font per BT…ET, as Qt writes them
            else:
                current.font, current.size = font, size
        elif operator == "Tm":
            values = [float(v) for v in instruction.operands]
            line = (values[0], values[1], values[2], values[3], values[4], values[5])
        elif operator == "ET":
            current.end = index
            if current.shows:
                found.append(current)
            current = None
    return found


def _multiply(first: _Matrix, second: _Matrix) -> _Matrix:
    """``first`` then ``second`` (PDF's row-vector order, as ``first @ second``)."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = second
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(matrix: _Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _key(x: float, y: float) -> tuple[int, int]:
    return round(x / _TOLERANCE), round(y / _TOLERANCE)


def _take(
    wanted: dict[tuple[int, int], list[tuple[ShapedRun, int]]],
    point: tuple[float, float],
    font: str,
) -> tuple[ShapedRun, int] | None:
    """The shaped glyph drawn at ``point`` (each is found once), or None.

    Of glyphs drawn at one spot, one of the font drawing there first (a bidi control is
    an empty glyph of another font at the edge of the letter beside it).
    """
    kx, ky = _key(*point)
    found = wanted.get((kx, ky))
    if found and len(found) == 1:  # most glyphs: alone at their spot
        return found.pop()
    fallback: list[tuple[ShapedRun, int]] | None = None
    for i, j in _AROUND:
        found = wanted.get((kx + i, ky + j))
        if not found:
            continue
        for index, (run, number) in enumerate(found):
            if not run.fonts or run.fonts[number] == font:
                return found.pop(index)
        if fallback is None:
            fallback = found
    return fallback.pop(0) if fallback else None


#: The spot itself first, then its neighbours (positions are rounded to a grid).
_AROUND: Final = ((0, 0), *((i, j) for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j))


def _rewrite(
    operations: list[_Operation],
    found: list[_Drawn],
    names: dict[tuple[str, int], str],
) -> list[_Operation]:
    before: dict[int, list[_Operation]] = defaultdict(list)
    after: dict[int, list[_Operation]] = defaultdict(list)
    skipped: set[int] = set()
    tail: list[_Operation] = []
    for drawn in found:
        # Not around right-to-left glyphs, in a line of either direction: poppler spreads
        # a span's text over its glyphs from left to right, then reverses it as it does
        # any right-to-left text it reads (an Arabic name in English came out backwards).
        if not any(run.right_to_left or run.backward(run.clusters[n]) for run, n in drawn.glyphs):
            clusters = dict.fromkeys((id(run), run.clusters[n]) for run, n in drawn.glyphs)
            texts = {
                (id(run), run.clusters[n]): run.texts[run.clusters[n]] for run, n in drawn.glyphs
            }
            text = "".join(texts[c] for c in clusters)
            span = Dictionary(ActualText=pikepdf.String(text))
            before[drawn.begin].append(
                pikepdf.ContentStreamInstruction([Name.Span, span], Operator("BDC"))
            )
            after[drawn.end].append(pikepdf.ContentStreamInstruction([], Operator("EMC")))
        # Glyphs that stand for no text are drawn last, each where it was: pdfminer groups
        # characters into lines in drawing order, and took a raised mark between two
        # letters for the end of a line.
        current = 0
        deferred: list[_Operation] = []
        for position, show in enumerate(drawn.shows):
            alias = drawn.alias[position]
            name = names.get((drawn.font, alias), drawn.font)
            if drawn.silent[position]:
                skipped.add(show)
                deferred += [
                    pikepdf.ContentStreamInstruction([Name(name), drawn.size], Operator("Tf")),
                    pikepdf.ContentStreamInstruction(
                        list(drawn.matrices[position]), Operator("Tm")
                    ),
                    operations[show],
                ]
                continue
            if alias != current:
                before[show].append(
                    pikepdf.ContentStreamInstruction([Name(name), drawn.size], Operator("Tf"))
                )
                current = alias
        if deferred:
            # In a text object of their own at the end of the page (outside any span, so
            # that a reader taking the span's text, as poppler does, meets them apart from
            # it, and after every line, which they would otherwise break for pdfminer),
            # with the item's own colour; their matrices are the page's own (so without
            # the item's own ``cm``).
            start, end = _item_bounds(operations, drawn)
            state = [
                operations[i]
                for i in range(start + 1 if end > 0 else drawn.begin, drawn.begin)
                if str(operations[i].operator) != "cm"
            ]
            tail += [
                pikepdf.ContentStreamInstruction([], Operator("q")),
                *state,
                pikepdf.ContentStreamInstruction([], Operator("BT")),
                *deferred,
                pikepdf.ContentStreamInstruction([], Operator("ET")),
                pikepdf.ContentStreamInstruction([], Operator("Q")),
            ]
    out: list[_Operation] = [pikepdf.ContentStreamInstruction([], Operator("q"))]
    for index in _logical_order(operations, found):
        out += before.get(index, [])
        if index not in skipped:
            out.append(operations[index])
        out += after.get(index, [])
    out.append(pikepdf.ContentStreamInstruction([], Operator("Q")))
    return out + tail


def _item_bounds(operations: list[_Operation], drawn: _Drawn) -> tuple[int, int]:
    """The ``q`` and ``Q`` around a text item as Qt writes it (``q`` state ``BT`` … ``ET``
    ``Q``), or (-1, -1)."""
    start = drawn.begin - 1
    while start >= 0 and str(operations[start].operator) in _STATE:
        start -= 1
    end = drawn.end + 1
    if start < 0 or str(operations[start].operator) != "q":
        return -1, -1
    if end >= len(operations) or str(operations[end].operator) != "Q":
        return -1, -1
    return start, end


#: What Qt writes between the ``q`` that opens a text item and its ``BT`` (a ``cm`` too
#: when the painter's state changed since its last item: coloured text, as in a header).
_STATE: Final = frozenset({"cm", "cs", "CS", "sc", "SC", "scn", "SCN", "gs", "g", "G", "rg", "RG"})


def _logical_order(operations: list[_Operation], found: list[_Drawn]) -> list[int]:
    """The operations' indexes, with the text items of each right-to-left line in reading
    order (Qt draws a line's items from left to right). Only a line whose items follow
    one another, each in its own ``q … BT … ET Q``, is reordered."""
    order = list(range(len(operations)))
    lines: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for drawn in found:
        run, _ = drawn.glyphs[0]
        if not run.right_to_left or any(r is not run for r, _ in drawn.glyphs):
            continue
        start, end = _item_bounds(operations, drawn)
        if start < 0:
            continue
        first = min(run.clusters[n] for _, n in drawn.glyphs)
        lines[id(run)].append((start, end, first))
    for items in lines.values():
        items.sort()
        if len(items) < 2 or any(a[1] + 1 != b[0] for a, b in itertools.pairwise(items)):
            continue
        logical = sorted(items, key=lambda item: item[2])
        order[items[0][0] : items[-1][1] + 1] = [
            i for start, end, _ in logical for i in range(start, end + 1)
        ]
    return order


def _widths(font: pikepdf.Object) -> dict[int, int]:
    """CID -> advance width, from the font's ``W`` array (``c [w …]`` and ``c1 c2 w``)."""
    out: dict[int, int] = {}
    try:
        entries = list(font.DescendantFonts[0].get("/W", []))
    except (AttributeError, IndexError, KeyError, TypeError):
        return out
    index = 0
    while index < len(entries) - 1:
        first, following = entries[index], entries[index + 1]
        if isinstance(following, pikepdf.Array):
            for offset, width in enumerate(following):
                out[int(first) + offset] = int(width)
            index += 2
        elif index + 2 < len(entries):
            for cid in range(int(first), int(following) + 1):
                out[cid] = int(entries[index + 2])
            index += 3
        else:
            break
    return out


def _read_map(font: pikepdf.Object) -> dict[int, str]:
    """A ToUnicode CMap as Qt writes it (bfchar, and bfrange with arrays or a start)."""
    tokens = _tokens(font.ToUnicode.read_bytes())
    mapping: dict[int, str] = {}
    section = ""
    pending: list[object] = []
    for token in tokens:
        if token in ("beginbfchar", "beginbfrange"):
            section, pending = token, []
        elif token in ("endbfchar", "endbfrange"):
            if section == "beginbfchar":
                for i in range(0, len(pending) - 1, 2):
                    source, target = pending[i], pending[i + 1]
                    if isinstance(source, bytes) and isinstance(target, bytes):
                        mapping[int.from_bytes(source, "big")] = _text(target)
            else:
                for i in range(0, len(pending) - 2, 3):
                    low, high, target = pending[i], pending[i + 1], pending[i + 2]
                    if not isinstance(low, bytes) or not isinstance(high, bytes):
                        continue
                    first, last = int.from_bytes(low, "big"), int.from_bytes(high, "big")
                    if isinstance(target, list):
                        for cid, value in zip(range(first, last + 1), target, strict=False):
                            mapping[cid] = _text(value)
                    elif isinstance(target, bytes) and target:
                        start = int.from_bytes(target, "big")
                        for offset in range(last - first + 1):
                            mapping[first + offset] = chr(start + offset)
            section = ""
        elif section:
            pending.append(token)
    return mapping


def _tokens(data: bytes) -> list[object]:
    """Hex strings (as bytes), arrays of them (as lists) and keywords of a CMap."""
    out: list[object] = []
    array: list[bytes] | None = None
    for piece in data.replace(b"[", b" [ ").replace(b"]", b" ] ").split():
        if piece == b"[":
            array = []
        elif piece == b"]":
            out.append(array or [])
            array = None
        elif piece.startswith(b"<") and piece.endswith(b">") and not piece.startswith(b"<<"):
            value = bytes.fromhex(piece[1:-1].decode("ascii"))
            if array is not None:
                array.append(value)
            else:
                out.append(value)
        else:
            out.append(piece.decode("latin-1"))
    return out


def _text(raw: bytes) -> str:
    return raw.decode("utf-16-be", errors="replace")


def _write_map(mapping: dict[int, str]) -> bytes:
    entries = sorted((cid, text) for cid, text in mapping.items() if cid)
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <FFFF>",
        b"endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        for cid, text in chunk:
            lines.append(b"<%04X> <%s>" % (cid, text.encode("utf-16-be").hex().upper().encode()))
        lines.append(b"endbfchar")
    lines += [
        b"endcmap",
        b"CMapName currentdict /CMap defineresource pop",
        b"end",
        b"end",
    ]
    return b"\n".join(lines) + b"\n"


__all__ = ["ShapedRun", "fix_clusters"]
