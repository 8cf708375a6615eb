"""Bytes to text for saved files whose encoding nobody declared."""
import codecs

from parley.sources.readers import Unreadable

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
# Share of control characters above which "text" is really a binary file.
MAX_CONTROL_SHARE = 0.01
ALLOWED_CONTROLS = set("\t\n\r\f\v")


def decode_text(data: bytes) -> str:
    """Return the text of a saved file: BOM first, then UTF-8, then Windows-1252; refuse binaries."""
    if not data.strip():
        raise Unreadable("empty file")
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec))
            except UnicodeDecodeError:
                raise Unreadable(f"starts with a {codec} byte-order mark but is not {codec}") from None
    if b"\x00" in data:
        raise Unreadable("binary file (contains NUL bytes), not a text, HTML or JSON Lines file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 is a superset of Latin-1's printable range; its five unassigned bytes fall back.
        text = data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")
    return _checked(text)


def _is_cp1252(data: bytes) -> bool:
    return not any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _checked(text: str) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in ALLOWED_CONTROLS)
    if controls > max(2, len(text) * MAX_CONTROL_SHARE):
        raise Unreadable("binary file (control characters), not a text, HTML or JSON Lines file")
    return text.replace("\r\n", "\n").replace("\r", "\n")
