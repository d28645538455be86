"""How a text upload is written: its encoding, delimiter and header row, from its first bytes.

Everything here looks at a bounded sample (the first 64 KB, lines capped): detection must stay
fast and linear on hostile files. An encoding is detected with charset-normalizer plus a
plausibility check, and verified on every byte later while the file is transcoded.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
from collections import Counter
from pathlib import Path

from charset_normalizer import from_bytes

from analytics.sources import UploadError

SNIFF_BYTES = 64 * 1024
SNIFF_LINES = 200
SNIFF_LINE_CHARS = 8 * 1024
HEADER_SEARCH_LINES = 30
DELIMITERS = (",", ";", "\t", "|")
# Encodings a person can pick; detection may name another one Python knows.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gb18030", "big5", "shift_jis", "cp949", "cp1252", "cp1250", "latin-1")
# When several encodings decode a sample equally well, the first of these wins.
_PREFERRED = ("gb18030", "cp1252", "big5", "cp932", "shift_jis", "cp949", "cp1250", "latin-1")
IMPLAUSIBLE = re.compile(r"[\x80-\x9f\ufffd\ue000-\uf8ff]|[A-Za-z\u00c0-\u024f][\u3400-\u9fff\uac00-\ud7af][a-z]")


def sample_of(data: bytes) -> bytes:
    """The first 64 KB, cut after the last complete line when the file is longer."""
    if len(data) <= SNIFF_BYTES:
        return data
    sample = data[:SNIFF_BYTES]
    cut = sample.rfind(b"\n")
    return sample[:cut + 1] if cut > 0 else sample


def decodes(sample: bytes, encoding: str, complete: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=complete)
    except (UnicodeDecodeError, LookupError):
        return None


def plausible(text: str) -> bool:
    """False for text a wrong encoding typically makes: C1 controls, private-use or replacement
    characters, or a CJK character inside a Latin word (``Münster`` read as GBK is ``M黱ster``)."""
    return IMPLAUSIBLE.search(text) is None


def detect_encoding(sample: bytes, complete: bool = True) -> str:
    """The encoding of a file from its first bytes: a byte-order mark, strict UTF-8, else the
    plausible candidates of charset-normalizer, preferring the encodings teams here export in."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if decodes(sample, "utf-8", complete) is not None:
        return "utf-8"
    matches = list(from_bytes(sample))
    best_chaos = min((m.chaos for m in matches), default=0.0)
    candidates = [m.encoding for m in matches if m.chaos <= best_chaos + 0.05]
    plausible_ones = []
    for encoding in candidates:
        text = decodes(sample, encoding, complete)
        if text is not None and plausible(text):
            plausible_ones.append((encoding, text))
    if not plausible_ones:
        raise UploadError("unknown_encoding", "")
    # An encoding we prefer that decodes the sample to the same text is the better name for it.
    for preferred in _PREFERRED:
        for encoding, text in plausible_ones:
            if encoding == preferred or decodes(sample, preferred, complete) == text:
                return preferred
    return plausible_ones[0][0]


def transcode(filename: str, source, target: Path, encoding: str) -> None:
    """Stream ``source`` (a binary file) into ``target`` as UTF-8; a byte the encoding cannot
    decode stops it with the line it is on, rather than becoming mojibake."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(1 << 20):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line += decoder.decode(chunk[:error.start], final=False).count("\n") if error.start else 0
                raise UploadError("bad_encoding", filename, encoding=encoding, line=line) from error
            line += text.count("\n")
            out.write(text)
        try:
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as error:
            raise UploadError("bad_encoding", filename, encoding=encoding, line=line) from error


# Dialect ------------------------------------------------------------------------------------

def sniff_rows(text: str, delimiter: str) -> list[list[str]]:
    lines = [line[:SNIFF_LINE_CHARS] for line in text.splitlines()[:SNIFF_LINES]]
    try:
        return list(csv.reader(lines, delimiter=delimiter, strict=False))
    except csv.Error:
        return []


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most sample lines into the same number (above one) of fields.

    A linear count over at most 200 capped lines: csv.Sniffer's regular expressions can run for
    an hour on a hostile first line, holding the GIL."""
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        widths = Counter(len(row) for row in sniff_rows(text, delimiter) if len(row) > 1)
        if widths:
            width, score = max(widths.items(), key=lambda item: (item[1], item[0]))
            if score > best_score:
                best, best_score = delimiter, score
    return best


def detect_header_row(rows: list[list[str]]) -> int:
    """The 0-based index of the header among the first rows: the first row that fills most of the
    table's usual width. Title rows above it ("Sales report", "Exported 2024-05-01;;;") fill one cell."""
    filled = [sum(1 for cell in row if str(cell).strip()) for row in rows]
    if not filled or max(filled) == 0:
        return 0
    wide = Counter(f for f in filled if f >= 2)
    width = wide.most_common(1)[0][0] if wide else max(filled)
    needed = max(1, math.ceil(width * 0.6))
    for index, count in enumerate(filled[:HEADER_SEARCH_LINES]):
        if count >= needed:
            return index
    return 0


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique the way spreadsheet users expect: 'Amount', 'Amount.1', ..."""
    seen: dict[str, int] = {}
    unique = []
    for index, name in enumerate(names):
        name = str(name).strip() or f"column_{index + 1}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}.{count}")
    return unique


