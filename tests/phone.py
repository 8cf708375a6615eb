"""Geometry of a page on a phone, measured in the page (Chromium through Playwright).

Shared by the browser tests, which assert on it, and bench/phones.py, which prints it as a table.
"""

PHONE = {"width": 390, "height": 844}
TARGET = 24  # CSS px: WCAG 2.2, 2.5.8 Target Size (Minimum)

# Every visible control a finger can aim at, with a short name for reports. Links in running text (an
# article's or a comment's body) are exempt under 2.5.8's "inline" exception; so is the skip link,
# which is off-screen until focused.
_TARGETS = """
    const exempt = '.body a, .comment-body a, a.skip';
    const seen = [...document.querySelectorAll('a[href], button, summary, select, textarea, input:not([type=hidden])')]
        .filter(el => !el.matches(exempt) && el.checkVisibility({visibilityProperty: true, opacityProperty: true}))
        .map(el => ({el, r: el.getBoundingClientRect(), parts: [...el.getClientRects()].filter(p => p.width && p.height)}))
        .filter(({r}) => r.width > 0 && r.height > 0 && r.right > 0)
        .filter(({el, r}) => {  // a target under an open menu cannot be tapped: it is not one now
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !hit || hit === el || el.contains(hit) || hit.contains(el);
        });
    const name = el => {
        let s = el.tagName.toLowerCase();
        if (el.id) s += '#' + el.id;
        else if (el.classList.length) s += '.' + [...el.classList].join('.');
        const up = el.parentElement && el.parentElement.closest('[id], [class]');
        if (up) s = (up.id ? '#' + up.id : up.tagName.toLowerCase() + '.' + [...up.classList].join('.')) + ' ' + s;
        return s;
    };
    const text = el => (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
    const row = ({el, r}) => ({target: name(el), text: text(el), width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10});
"""

TARGETS_JS = """(size) => {""" + _TARGETS + """
    const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
    const small = ({r}) => r.width < size || r.height < size;
    // 2.5.8's spacing exception: a 24 px circle on an undersized target's centre may not meet another
    // target (any line of a link that wraps), nor the circle of another undersized target.
    const near = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom)) < size / 2;
    const meets = (c, o) => o.parts.some(p => near(c, p));
    const under = [], offenders = [];
    for (const t of seen.filter(small)) {
        const c = centre(t.r);
        under.push(row(t));
        if (seen.some(o => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) &&
                (meets(c, o) || (small(o) && Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < size))))
            offenders.push(row(t));
    }
    const sizes = seen.map(({r}) => Math.min(r.width, r.height));
    return {count: seen.length, smallest: sizes.length ? Math.round(Math.min(...sizes) * 10) / 10 : null, under, offenders};
}"""

# A box measured is only a target if a tap there lands on it: for each single-line target, a point just
# inside its top and bottom edges (where padding made it taller) must hit it, not a neighbour.
MISSES_JS = """() => {""" + _TARGETS + """
    const misses = [];
    for (const t of seen.filter(t => t.parts.length === 1)) {
        t.el.scrollIntoView({block: 'center', inline: 'nearest'});
        const r = t.el.getBoundingClientRect(), x = r.left + r.width / 2;
        for (const y of [r.top + 1, r.bottom - 1]) {
            const hit = document.elementFromPoint(x, y);
            if (!hit || !(hit === t.el || t.el.contains(hit))) {
                misses.push({...row(t), at: Math.round(y - r.top), hit: hit ? name(hit) : null});
                break;
            }
        }
    }
    window.scrollTo(0, 0);
    return misses;
}"""

GEOMETRY_JS = """() => {
    const header = document.querySelector('header.site');
    const first = [...document.querySelectorAll('article.article .body p, article.article .link-item')]
        .find(p => p.innerText.trim());
    // One row: every child of the header shares a horizontal band with the first (the brand).
    const kids = header ? [...header.children].filter(el => el.checkVisibility()).map(el => el.getBoundingClientRect()) : [];
    return {
        header: header ? Math.round(header.getBoundingClientRect().height) : null,
        header_rows: kids.length ? new Set(kids.map(r => kids.findIndex(k => k.top < r.bottom && r.top < k.bottom))).size : 0,
        first_paragraph: first ? Math.round(first.getBoundingClientRect().top + window.scrollY) : null,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
    };
}"""


def geometry(page) -> dict:
    """Return the header's height and rows, the article's first paragraph's top (page px) and the overflow."""
    return page.evaluate(GEOMETRY_JS)


def tap_targets(page) -> dict:
    """Return how many targets are visible, the smallest side of any, those under 24 x 24 px (`under`)
    and those of them that the spacing exception does not excuse (`offenders`)."""
    return page.evaluate(TARGETS_JS, TARGET)


def misses(page) -> list[dict]:
    """Return the single-line targets a tap at the top or bottom edge of their box does not reach."""
    return page.evaluate(MISSES_JS)


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
