"""Page furniture that survives extraction: lines a page prints around an article, never part of it.

The rule (`is_furniture`): a paragraph is furniture when it is short (at most MAX_WORDS words) and
it is one of
- a call to act: subscribe, sign up, follow us, share, print, order reprints, get the app, click
  here, read or see more, related and "you may also like" headings, comment counts;
- a confirmation or an error the page showed: "thanks for signing up", "this article has been sent
  to", "an error has occurred, please try again later";
- a legal line: "this copy is for your personal, non-commercial use only" (up to 60 words),
  copyright (©) and "all rights reserved" lines;
- a content system's template code left in the text ("[button link=…]");
- a bare URL, alone or after a label ("Listen: http://…");
- a reading time ("4 min read").
A long paragraph is prose, whatever words it holds: an article about newsletters keeps its words.
Measured on the article-extraction benchmark's ground truth (`bench/import_speed.py`).
"""
import re

MAX_WORDS = 25
WORD = re.compile(r"\w+")
RULES = [
    ("a call to act", re.compile(
        r"^\W*(?:(?:click|tap|press) here|(?:please\s+)?(?:subscribe|sign up|sign-up|signup|log ?in)\b|"
        r"follow us|follow \S+ on (?:twitter|facebook|instagram|x|linkedin|youtube)|like us on|join (?:us|our)\b|"
        r"download (?:the|our)\b|get (?:the|our) [\w' ]{0,30}\bapp\b|share (?:this|on)\b|tweet this|email this|"
        r"print (?:this )?(?:article|page|story)|order reprints?|reprints? (?:&|and) permissions|read more|"
        r"see more|watch more|view more|read (?:next|also|this next)|also read|don'?t miss|"
        r"related(?: (?:posts?|stories|articles|content|coverage|topics?|links?|reading|video))?\s*(?::|$)|"
        r"you (?:may|might) also (?:like|enjoy)|popular on\b|most (?:read|popular|shared|viewed)\s*(?::|$)|"
        r"explore further|leave a (?:comment|reply)|tell us what you think|add (?:a|your) comment|"
        r"view comments|show comments|filed under)", re.I)),
    ("a call to act", re.compile(
        r"^(?:print article|print|share|email|save|order reprints|reprints|\d* ?comments?|advertisement|"
        r"recommended(?: for you)?|trending(?: now)?|"
        r"story continues below(?: advertisement)?|continue reading(?: below)?|skip (?:to )?(?:main )?content|"
        r"back to top|scroll to continue(?: with content)?|close|menu|loading\W*|sponsored(?: content)?)\W*$", re.I)),
    ("a confirmation or an error", re.compile(
        r"\bthanks? (?:you )?for (?:signing up|subscribing|registering|your (?:interest|feedback))\b|"
        r"\bthis (?:article|story|page) has been sent to\b|\ban error (?:has )?occurred\b|"
        r"\bthere was an? (?:error|problem) (?:processing|with)\b|\bplease try again(?: later)?\b|"
        r"\bkeep an eye on your inbox\b|\byou(?:'ve| have) (?:been|successfully) (?:subscribed|signed up)\b|"
        r"^\W*sorry\W*$|\bcheck your (?:email|inbox) to confirm\b|\bsomething went wrong\b", re.I)),
    ("a legal line", re.compile(
        r"\ball rights reserved\b|[©ⓒ]|"
        r"^\W*(?:copyright|\(c\))|\bcopyright\s*(?:\(c\))?\s*(?:19|20)\d\d\b|"
        r"\b(?:distribution|redistribution|republication) (?:and use )?of this (?:material|content|article)\b|"
        r"\bmay not be (?:published|reproduced|republished),? broadcast\b", re.I)),
    ("a reading time", re.compile(
        r"^\W*(?:\d+\s*(?:-|\s)?(?:min(?:ute)?s?|minuti|minutos?)\.?\s*(?:read|reading|de leitura|di lettura|"
        r"de lectura|lesezeit)?|(?:reading time|tempo de leitura|tiempo de lectura|lesezeit)\s*:?\s*\d+\s*\w*)\W*$",
        re.I)),
]
BARE_URL = re.compile(r"^\W*(?:[\w ]{0,20}:\s*)?(?:https?://|www\.)\S+\W*$", re.I)
# Lines that are furniture however long they run (a reprint notice names the reprint service too).
LONG_LEGAL = re.compile(r"\bthis copy is for your personal,? non-?commercial use\b", re.I)
MAX_LEGAL_WORDS = 60
SHORTCODE = re.compile(r"\[/?[a-z][a-z_-]*(?:\s+[a-z_-]+=[^\]]*)?\]")  # [button link=...] left by a CMS


def is_furniture(paragraph: str) -> str:
    """Return why a paragraph is page furniture ("a call to act", "a bare URL"...), or "" when it is not."""
    text = " ".join(paragraph.split())
    words = len(WORD.findall(text))
    if text and words <= MAX_LEGAL_WORDS and LONG_LEGAL.search(text):
        return "a legal line"
    if not text or words > MAX_WORDS:
        return ""
    if SHORTCODE.search(text):
        return "a template code"
    if BARE_URL.match(text):
        return "a bare URL"
    for reason, pattern in RULES:
        if pattern.search(text):
            return reason
    return ""
