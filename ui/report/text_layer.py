"""The PDF's text layer with the ideographs that were typed, not the radicals that look the same.

Noto Sans CJK SC draws some radicals and ideographs with one glyph (户 and the Kangxi radical ⼾,
车 and ⻋, 鱼 and ⻥: 287 of them), and Chromium's PDF writer names each glyph in the text layer
(the fonts' ToUnicode maps) by the lowest code point that uses it: the radical. The page looks
right, but searching it for 客户 finds nothing and copying gives 客⼾. Report text never holds a
radical on purpose, so every radical those maps give is mapped back to its ideograph; likewise a
Latin ligature's glyph (ﬁ) gives its letters (fi), so "figures" is found too.

``RADICALS`` and ``IDEOGRAPHS`` pair them as Noto Sans CJK SC (Debian's fonts-noto-cjk, regular and
bold alike) shares them: read from the font's cmap, each radical's glyph and the CJK ideograph
that has the same glyph.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

RADICALS = (
    "⺂⺃⺅⺇⺉⺋⺍⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺩⺭⺮⺯⺰⺱⺳⺹⺺⺽⺾⻂⻅⻆⻇⻈⻉⻊⻋⻌⻐⻑⻒⻓⻔⻕⻖⻘⻙⻚⻛⻜⻝⻞⻟"
    "⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳⼀⼁⼂⼃⼄⼅⼆⼇⼈⼉⼊⼋⼌⼍⼎⼏⼐⼑⼒⼓⼔⼕⼖⼗⼘⼙⼚⼛⼜⼝⼞⼟⼠⼡⼢⼣⼤⼥⼦⼧⼨"
    "⼩⼪⼫⼬⼭⼮⼯⼰⼱⼲⼳⼴⼵⼶⼷⼸⼺⼻⼼⼽⼾⼿⽀⽁⽂⽃⽄⽅⽆⽇⽈⽉⽊⽋⽌⽍⽎⽏⽐⽑⽒⽓⽔⽕⽖⽗⽘⽙⽚⽛⽜⽝⽞⽟⽠⽡⽢⽣⽤⽥"
    "⽦⽧⽨⽩⽪⽫⽬⽭⽮⽯⽰⽱⽲⽳⽴⽵⽶⽷⽸⽹⽺⽻⽼⽽⽿⾀⾁⾂⾃⾄⾅⾆⾇⾈⾉⾊⾋⾌⾍⾎⾏⾐⾑⾒⾔⾕⾖⾗⾘⾙⾚⾛⾜⾝⾞⾟⾠⾡⾢⾣"
    "⾤⾥⾦⾧⾨⾩⾪⾫⾬⾭⾮⾯⾰⾱⾲⾳⾴⾵⾶⾷⾸⾹⾺⾼⾽⾾⾿⿀⿁⿂⿃⿄⿅⿆⿇⿈⿉⿊⿋⿌⿍⿎⿏⿑⿒⿓⿕"
)
IDEOGRAPHS = (
    "乛乚亻𠘨刂㔾𭕄尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭𤣩礻𥫗糹纟罓㓁耂肀𦥑艹衤见角𧢲讠贝𧾷车辶钅長镸长门𨸏阝青韦页风飞食𩙿飠"
    "饣𩠐马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸"
    "小尢尸屮山巛工己巾干幺广廴廾弋弓彡彳心戈户手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田"
    "疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見言谷豆豕豸貝赤走足身車辛辰辵邑酉"
    "釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠齊齒龍龠"
)
# Latin ligatures the fonts draw as one glyph ("fi" in "Key figures"), named as one character.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
             "\ufb06": "st"}
TYPED = dict(zip(RADICALS, IDEOGRAPHS, strict=True)) | LIGATURES
# A map's code-to-text pairs (bfchar) and ranges (bfrange: consecutive text, or a list of texts).
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])")
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
PAIRS_PER_BLOCK = 100  # the CMap format's limit


def typed_ideographs(pdf: bytes) -> bytes:
    """``pdf`` with every text map that gives a character of ``TYPED`` (a radical, a ligature)
    rewritten to give what was typed; the PDF as it is when none does."""
    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        changed = False
        for page in writer.pages:
            changed |= _fix_resources(page.get("/Resources"), set())
    except (PyPdfError, ValueError, KeyError, TypeError, UnicodeError):  # a map it cannot read: the PDF as printed
        return pdf
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fix_resources(resources, seen: set[int]) -> bool:
    """Fix the text maps of the fonts and forms in ``resources``, and of what they hold in turn."""
    resources = _resolved(resources)
    if not isinstance(resources, DictionaryObject):
        return False
    changed = False
    for kind in ("/Font", "/XObject"):
        for item in (_resolved(resources.get(kind)) or {}).values():
            changed |= _fix_object(_resolved(item), seen)
    return changed


def _fix_object(target, seen: set[int]) -> bool:
    """A font's or form's own text map, its descendant fonts' (Type0) and its resources' (Type3, forms)."""
    if not isinstance(target, DictionaryObject) or id(target) in seen:
        return False
    seen.add(id(target))
    changed = False
    text_map = _resolved(target.get("/ToUnicode"))
    if isinstance(text_map, StreamObject):
        fixed = typed_cmap(text_map.get_data())
        if fixed is not None:
            text_map.set_data(fixed)
            changed = True
    for font in (_resolved(target.get("/DescendantFonts")) or ArrayObject()):
        changed |= _fix_object(_resolved(font), seen)
    return _fix_resources(target.get("/Resources"), seen) or changed


def _resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def typed_cmap(cmap: bytes) -> bytes | None:
    """A ToUnicode CMap whose texts give what was typed for ``TYPED``'s characters (its pairs and
    ranges written out as pairs), or None when it gives none of them."""
    pairs = _mappings(cmap)
    if not any(character in TYPED for text in pairs.values() for character in text):
        return None
    typed = {code: "".join(TYPED.get(character, character) for character in text) for code, text in pairs.items()}
    start = min(match.start() for match in (_BFCHAR.search(cmap), _BFRANGE.search(cmap)) if match)
    head = re.sub(rb"\d+\s*$", b"", cmap[:start].rstrip()) + b"\n"  # the count before the first block goes
    tail = cmap[cmap.rindex(b"endcmap"):]
    blocks = []
    items = sorted(typed.items())
    for first in range(0, len(items), PAIRS_PER_BLOCK):
        chunk = items[first:first + PAIRS_PER_BLOCK]
        lines = b"\n".join(b"<%s> <%s>" % (code, text.encode("utf-16-be").hex().upper().encode()) for code, text in chunk)
        blocks.append(b"%d beginbfchar\n%s\nendbfchar\n" % (len(chunk), lines))
    return head + b"".join(blocks) + tail


def _mappings(cmap: bytes) -> dict[bytes, str]:
    """Source code (hex, as written) -> text, from a CMap's bfchar pairs and bfrange ranges."""
    pairs: dict[bytes, str] = {}
    for block in _BFCHAR.findall(cmap):
        for code, text in _PAIR.findall(block):
            pairs[code.upper()] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in _BFRANGE.findall(cmap):
        for low, high, target in _RANGE.findall(block):
            width, first, last = len(low), int(low, 16), int(high, 16)
            codes = [b"%0*X" % (width, code) for code in range(first, last + 1)]
            if target.startswith(b"["):
                texts = [bytes.fromhex(t.decode()).decode("utf-16-be", "replace") for t in _HEX.findall(target)]
            else:
                base = bytes.fromhex(target[1:-1].decode())  # the last byte counts up through the range
                texts = [(base[:-1] + bytes([base[-1] + step])).decode("utf-16-be", "replace")
                         for step in range(len(codes))]
            pairs.update(zip(codes, texts))
    return pairs
