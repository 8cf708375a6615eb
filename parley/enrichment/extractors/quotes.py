"""Quotes and who said them, from the dependency parse.

A quote is words in quotation marks (a passage may run over paragraphs: a paragraph that opens a
quote without closing it continues in the next one that opens with a quotation mark). Its speaker
is the subject of a speech verb in the sentence around it, outside the quoted words ("…," Jane
Roe, the bank's chief economist, said; says longtime analyst Jane Roe; according to the company),
or of a sentence ending in a colon just before it ("Roe told reporters:"). The subject is resolved:
a name to the person named in full, a pronoun to the speaker of the last attributed statement, a
role ("the senator", "the analyst") to the person the article gave that role, "the company" to the
company last named. A quote with no speaker is not kept: titles of works, nicknames, scare quotes
and headings have none.
"""
import re

from parley.enrichment.extractors import Found

_VERBS = """say tell add note write argue explain ask warn state remark insist declare reply respond answer
quip blast beg claim complain comment concede confirm contend continue counter cry deny describe emphasize
emphasise estimate exclaim grumble joke lament maintain mention muse observe plead predict promise recall
recount reiterate report scoff shout speculate stress suggest testify tweet post urge vow whisper yell
acknowledge admit agree announce assert boast caution charge conclude complain criticize criticise chime
demand detail elaborate echo fume hail interject marvel object offer opine point pledge praise protest
question reason reflect remind reveal scream sigh snap threaten tout underscore vent weigh wonder retort
brag concur gush implore lash mock notice rail rant recommend reckon sneer thunder""".split()
_IRREGULAR = {"say": ["said", "says", "saying"], "tell": ["told", "tells", "telling"],
              "write": ["wrote", "written", "writes", "writing"], "cry": ["cried", "cries"],
              "reply": ["replied", "replies"], "testify": ["testified", "testifies"], "deny": ["denied", "denies"],
              "snap": ["snapped", "snaps"], "quip": ["quipped", "quips"], "beg": ["begged", "begs"],
              "plead": ["pleaded", "pled", "pleads"], "speak": ["spoke", "spoken", "speaks"],
              "criticize": ["criticized"], "criticise": ["criticised"], "chime": ["chimed", "chimes"],
              "implore": ["implored"], "rail": ["railed"], "lash": ["lashed"]}


def _forms(verb: str) -> set[str]:
    forms = {verb, *_IRREGULAR.get(verb, [])}
    stem = verb[:-1] if verb.endswith("e") else verb
    forms |= {verb + "s" if not verb.endswith(("s", "sh", "ch")) else verb + "es", stem + "ed", stem + "ing"}
    if verb.endswith("y"):
        forms |= {verb[:-1] + "ied", verb[:-1] + "ies"}
    return forms


SPEECH = {form for verb in _VERBS for form in _forms(verb)}
PRONOUNS = {"he", "she", "they", "He", "She", "They"}
ORG_NOUNS = {"company", "firm", "bank", "group", "agency", "department", "ministry", "office", "government",
             "court", "police", "spokesperson", "spokesman", "spokeswoman", "statement", "representative",
             "retailer", "maker", "carrier", "airline", "organization", "organisation", "campaign", "administration",
             "committee", "board", "team", "club", "university", "network", "newspaper", "union"}
PERSON_ORG_NOUNS = {"spokesperson", "spokesman", "spokeswoman", "representative", "statement"}
ROLE_WORDS = {"president", "senator", "secretary", "minister", "chancellor", "governor", "chairman", "chairwoman",
              "chair", "ceo", "executive", "analyst", "economist", "strategist", "spokesperson", "spokesman",
              "spokeswoman", "director", "founder", "professor", "mayor", "judge", "ambassador", "envoy",
              "congressman", "congresswoman", "lawmaker", "representative", "official", "attorney", "lawyer",
              "coach", "researcher", "scientist", "author", "doctor", "officer", "sheriff", "commissioner",
              "prosecutor", "manager", "leader", "chief", "head", "adviser", "advisor", "investor", "trader"}
QUOTE = re.compile(r"[\"“](?P<q>[^\"“”\n]{2,3000}?)(?:[\"”]|(?=\n))")


def _quotes(text: str):
    """Yield (start, end) of each quoted passage's words, passages over paragraphs joined."""
    spans = [(m.start("q"), m.end("q"), text[m.end("q"):m.end("q") + 1] in "\"”") for m in QUOTE.finditer(text)]
    i = 0
    while i < len(spans):
        start, end, closed = spans[i]
        # An unclosed quote at a paragraph's end continues when the next paragraph opens with a quote.
        while not closed and i + 1 < len(spans):
            nxt = spans[i + 1]
            between = text[end:nxt[0]]
            if between.strip() in ("“", '"') and "\n" in between:
                end, closed = nxt[1], nxt[2]
                i += 1
            else:
                break
        yield start, end
        i += 1


def _piece_at(pieces, position):
    for piece in pieces:
        if piece.offset <= position < piece.offset + len(piece.doc.text):
            return piece
    return None


def _speech_verbs(sent, base, q_start, q_end):
    """Yield the speech verbs of a sentence that lie outside the quoted words, nearest the quote first."""
    verbs = []
    for token in sent:
        pos = base + token.idx
        if q_start <= pos < q_end:
            continue
        if token.text in SPEECH or token.text.lower() in SPEECH and token.i != sent.start:
            verbs.append(token)
        elif token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to":
            verbs.append(token)
    return sorted(verbs, key=lambda t: min(abs(base + t.idx - q_end), abs(base + t.idx - q_start)))


def _subject(verb):
    """Return the token that says: the verb's subject, the object of "according to", or a shared subject."""
    if verb.lower_ == "according":
        to = verb.doc[verb.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"]
        return objects[0] if objects else None
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    # "…," wrote Roe: the parser often takes an inverted subject for an object.
    for token in verb.doc[verb.i + 1:verb.i + 6]:
        if token.dep_ in ("dobj", "nsubj", "attr", "npadvmod", "appos", "compound") and token.text[:1].isupper():
            return token.head if token.dep_ == "compound" else token
        if token.is_punct:
            break
    if verb.dep_ in ("conj", "advcl", "ccomp", "parataxis") and verb.head is not verb:
        for child in verb.head.children:
            if child.dep_ == "nsubj":
                return child
    return None


class _Resolver:
    """Resolve a speaker token to a person's full name or an organisation's name."""

    def __init__(self, analysis, text, subjects, quoted_spans=()):
        self.quoted_spans = list(quoted_spans)
        self.analysis = analysis
        self.subjects = subjects
        self.text = text
        self.facts = sorted((f for f in analysis.facts if f.kind in ("person", "organization")), key=lambda f: f.start)
        self.last_speaker = None
        self.last_position = -1

    def quoted(self, position: int) -> bool:
        """Whether a position is inside quoted words."""
        return any(start <= position < end for start, end in self.quoted_spans)

    def _full(self, name):
        for person in self.analysis.people.values():
            if person.name == name or person.name.split()[-1] == name.split()[-1]:
                return person.name
        return name

    def at(self, position_start, position_end):
        for f in self.facts:
            if f.start < position_end and position_start < f.end:
                return f
        return None

    def resolve(self, token, base):
        # The subject's own words and its appositions/compounds: a name among them names the speaker.
        span_tokens = [token] + [t for t in token.subtree if t.dep_ in ("appos", "compound", "flat")]
        for t in span_tokens:
            fact = self.at(base + t.idx, base + t.idx + len(t.text))
            if fact:
                return fact.key, fact.kind
        if token.text in PRONOUNS:
            if token.lower_ == "they":
                return None
            position = base + token.idx
            # One person named in the paragraph so far is who "he" or "she" is.
            paragraph = self.text.rfind("\n", 0, position) + 1
            # Never someone named inside quoted words: "he" is not the person a speaker talks about.
            named = {f.key for f in self.facts if f.kind == "person" and paragraph <= f.start < position
                     and not self.quoted(f.start)}
            if len(named) == 1:
                return named.pop(), "person"
            # Else the later of the last attributed speaker and the last person who was a sentence's subject.
            subjects = [(pos, name) for pos, name in self.subjects if pos < position and not self.quoted(pos)]
            subject = (subjects[-1][0], self._full(subjects[-1][1])) if subjects else None
            speaker = self.last_speaker if self.last_speaker and self.last_speaker[1] == "person" else None
            if subject and (speaker is None or subject[0] > self.last_position):
                return subject[1], "person"
            return speaker
        noun = token.lower_
        if noun in ORG_NOUNS and noun not in PERSON_ORG_NOUNS or noun in PERSON_ORG_NOUNS and any(
                c.dep_ == "poss" for c in token.children):
            position = base + token.idx
            orgs = [f for f in self.facts if f.kind == "organization" and f.end <= position]
            return (orgs[-1].key, "organization") if orgs else None
        if token.pos_ in ("PROPN", "") and token.text[:1].isupper() and token.i > 0:
            # A role with a capital ("the President") or a surname the recogniser missed.
            for person in self.analysis.people.values():
                if person.name.split()[-1] == token.text:
                    return person.name, "person"
        # A role noun: the person the article gave that role ("the senator", "the analyst").
        words = {t.lower_ for t in token.subtree if t.is_alpha} & ROLE_WORDS
        if noun in ROLE_WORDS or words:
            wanted = noun if noun in ROLE_WORDS else next(iter(words))
            position = base + token.idx
            candidates = [p for p in self.analysis.people.values()
                          if wanted in p.role.lower() and p.first_start < position]
            if candidates:
                return max(candidates, key=lambda p: p.first_start).name, "person"
        return None


def _main_subjects(pieces, analysis) -> list[tuple[int, str]]:
    """Return (position, full name) of each person who is the subject of a sentence's main verb."""
    people = [f for f in analysis.facts if f.kind == "person"]
    subjects = []
    for piece in pieces:
        for token in piece.doc:
            if token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "ROOT":
                position = piece.offset + token.idx
                for f in people:
                    if f.start <= position < f.end:
                        subjects.append((position, f.key))
                        break
    return subjects


def extract_quotes(text: str, pieces, analysis) -> list[Found]:
    """Return quotes with their speakers (people or organisations), resolved to full names."""
    spans = list(_quotes(text))
    resolver = _Resolver(analysis, text, _main_subjects(pieces, analysis), spans)
    found = []
    previous = None  # (paragraph index, speaker) of the last attributed quote
    for q_start, q_end in spans:
        words = text[q_start:q_end].rstrip(" ,")
        if len(words.split()) < 2 or not words.strip():
            continue
        piece = _piece_at(pieces, q_start)
        end_piece = _piece_at(pieces, max(q_start, q_end - 1)) or piece
        if piece is None:
            continue
        speaker = None
        for pc in {id(piece): piece, id(end_piece): end_piece}.values():
            base = pc.offset
            for sent in pc.doc.sents:
                s_start, s_end = base + sent.start_char, base + sent.end_char
                touches = s_start <= q_start < s_end or s_start < q_end <= s_end or (q_start <= s_start and s_end <= q_end)
                if not touches or speaker:
                    continue
                for verb in _speech_verbs(sent, base, q_start, q_end):
                    subject = _subject(verb)
                    if subject is not None and not (q_start <= base + subject.idx < q_end):
                        speaker = resolver.resolve(subject, base)
                        if speaker:
                            break
            if speaker is None:
                # A quote after a colon: "Roe told reporters:" at the end of the sentence before it.
                before = text[max(0, q_start - 3):q_start]
                if ":" in before:
                    colon_piece = _piece_at(pieces, text.rfind(":", 0, q_start)) or pc
                    for sent in colon_piece.doc.sents:
                        if colon_piece.offset + sent.end_char >= text.rfind(":", 0, q_start):
                            for verb in _speech_verbs(sent, colon_piece.offset, q_start, q_end):
                                subject = _subject(verb)
                                if subject is not None:
                                    speaker = resolver.resolve(subject, colon_piece.offset)
                                    if speaker:
                                        break
                            break
        if speaker is None and words.rstrip().endswith(("?", "!", ".")):
            speaker = _attribution_after(text, pieces, q_end, resolver)  # "“…?” Holmes testified."
        paragraph = text.count("\n\n", 0, q_start)
        if speaker is None and previous and paragraph - previous[0] <= 1 and _no_attribution_between(
                text, previous[2], q_start, resolver, previous[1][0]):
            speaker = previous[1]  # the same speaker goes on: nobody else was named since
        if speaker is None:
            continue
        if _looks_like_title(words):
            continue
        resolver.last_speaker, resolver.last_position = speaker, q_start
        previous = (paragraph, speaker, q_end)
        found.append(Found("quote", speaker[0], words, q_start, q_start + len(words),
                           {"speaker": speaker[0], "speaker_kind": speaker[1]}, confidence=0.8))
    return found


AFTER_QUOTE_WORDS = 8  # an attribution sentence after a quote is short: "Holmes testified.", "he said Tuesday."


def _attribution_after(text, pieces, q_end, resolver):
    """The speaker named by a short sentence right after a quote that ended its own sentence with
    "?", "!" or ".": the parser ends the sentence at the closing mark, so the attribution ("Holmes
    testified.", "Trump tweeted on Friday.") stands alone."""
    after = q_end + 1
    while after < len(text) and text[after] in " \"”":
        after += 1
    piece = _piece_at(pieces, after)
    head = text[after:after + 80]
    colon, stop = head.find(":"), head.find(".")
    if piece is None or colon != -1 and (stop == -1 or colon < stop):
        return None  # "Smith agreed: “…”" introduces the next quote
    for sent in piece.doc.sents:
        start = piece.offset + sent.start_char
        if start > after + 1 or piece.offset + sent.end_char <= after:
            continue
        if len([t for t in sent if not t.is_punct]) > AFTER_QUOTE_WORDS:
            return None
        for verb in _speech_verbs(sent, piece.offset, -1, -1):
            subject = _subject(verb)
            if subject is not None and piece.offset + subject.idx >= after:
                found = resolver.resolve(subject, piece.offset)
                if found:
                    return found
        return None
    return None


def _no_attribution_between(text, start, end, resolver, speaker) -> bool:
    """Return whether nobody but the speaker was named between the last attributed quote and this one."""
    if end - start > 600:
        return False
    return not any(f.kind == "person" and start <= f.start < end and f.key != speaker for f in resolver.facts)


def _looks_like_title(words: str) -> bool:
    """Return whether quoted words read like a title or a name rather than speech: short, every word capitalised."""
    tokens = words.split()
    return len(tokens) <= 5 and all(t[:1].isupper() or t.lower() in ("of", "the", "a", "and", "in", "to", "for")
                                    for t in tokens) and not words.rstrip().endswith((".", "!", "?", ","))
