"""Bytes to text: `decode_text()` for saved files whose encoding nobody declared, `decode_document()`
for fetched HTML and XML (HTTP header, then byte-order mark, then <meta> or XML declaration).
"""
import codecs
import re

from parley.sources.readers import Unreadable

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
# Share of control characters above which "text" is really a binary file.
MAX_CONTROL_SHARE = 0.01
ALLOWED_CONTROLS = set("\t\n\r\f\v")
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")  # control characters other than the allowed ones
# Where a document states its own encoding: <meta charset>, <meta http-equiv content="...; charset=">,
# or an XML declaration; browsers look only at the first 1024 bytes.
DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})|<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})""",
                      re.I)
PRESCAN_BYTES = 1024
# As the WHATWG Encoding standard reads these labels: Latin-1 and ASCII pages are Windows-1252.
LABEL_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                 "us-ascii": "cp1252", "ascii": "cp1252", "l1": "cp1252"}


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
    controls = len(CONTROLS.findall(text))  # a regular expression: a character loop cost 35 ms a page
    if controls > max(2, len(text) * MAX_CONTROL_SHARE):
        raise Unreadable("binary file (control characters), not a text, HTML or JSON Lines file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _codec(label: str) -> str | None:
    """Return the Python codec for a charset label, or None when the label names none we should use."""
    label = label.strip().strip("\"'").lower()
    label = LABEL_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):  # bz2, uu, quopri...: byte transforms, not charsets
        return None
    name = info.name
    # A UTF-16/32 label on a document without a BOM is nearly always wrong; the BOM rule decides those.
    return None if name.startswith(("utf-16", "utf-32")) or name in ("rot-13", "base64", "hex", "zlib") else name


def charset_of(content_type: str) -> str:
    """Return the charset a Content-Type header states, or ''."""
    found = re.search(r";\s*charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return found[1] if found else ""


def charset_is_usable(content_type: str) -> bool:
    """Tell whether a Content-Type header states a charset Python can decode with."""
    charset = charset_of(content_type)
    return bool(charset and _codec(charset))


def declared_encoding(data: bytes) -> str | None:
    """Return the codec a document's <meta> or XML declaration names in its first bytes, if any usable."""
    found = DECLARED.search(data[:PRESCAN_BYTES])
    if not found:
        return None
    return _codec((found[1] or found[2]).decode("ascii", "replace"))


def decode_document(data: bytes, http_charset: str = "") -> str:
    """Return a fetched HTML or XML document's text, decoded by the first of: the HTTP header's
    charset, a byte-order mark, the document's own declaration, then UTF-8 or Windows-1252."""
    if not data.strip():
        raise Unreadable("empty document")
    codec = _codec(http_charset) if http_charset else None
    if codec is None and not any(data.startswith(bom) for bom, _ in BOMS):
        codec = declared_encoding(data)
    if codec:
        try:
            return _checked(data.decode(codec))
        except (UnicodeError, LookupError, ValueError):
            pass  # the declaration is wrong; read the bytes as they are
    return decode_text(data)
