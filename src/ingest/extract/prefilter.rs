//! Drops what extraction never reads before html5ever sees it: the bodies of
//! `<script>` (except JSON-LD), `<style>` and `<svg>`, and comments. On news
//! pages these are about half the bytes, and the tokenizer would walk them
//! character by character only for the tree builder to discard them.
//!
//! Tags are scanned with quoted attribute values respected, so a `<script`
//! inside an attribute or text is never mistaken for a tag; a raw-text
//! element without its closing tag is left to html5ever as it is.

use std::borrow::Cow;

/// `html` without raw-text bodies and comments; borrowed when there is
/// nothing to drop.
pub(crate) fn strip(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut depth = Depth::default();
    // Bytes before `copied` are already in `out` (or need not be copied).
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = b.get(i..).and_then(|r| memchr::memchr(b'<', r)) {
        let lt = i + off;
        let rest = &b[lt..];
        if rest.starts_with(b"<!--") {
            let body = lt + 4;
            let end = if b.get(body) == Some(&b'>') {
                body + 1
            } else if b.get(body..body + 2) == Some(b"->") {
                body + 2
            } else {
                match find(b, body, b"-->") {
                    Some(e) => e + 3,
                    None => break,
                }
            };
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(html.get(copied..lt).unwrap_or(""));
            copied = end;
            i = end;
            continue;
        }
        let Some(&first) = rest.get(1) else { break };
        if !(first.is_ascii_alphabetic() || first == b'/') {
            i = lt + 1;
            continue;
        }
        let Some(gt) = tag_end(b, lt + 1) else { break };
        let name_end = rest
            .iter()
            .skip(1)
            .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
            .map_or(rest.len(), |p| p + 1);
        let name = &rest[1..name_end.min(rest.len())];
        let keep = if first == b'/' {
            let close = rest
                .get(2..)
                .and_then(|r| {
                    r.iter()
                        .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
                        .map(|e| &r[..e])
                })
                .unwrap_or_default();
            depth.close(close)
        } else {
            depth.open(name)
        };
        if !keep {
            // Beyond the depth html5ever and the scorer are given: the
            // tag goes, what it holds stays.
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(html.get(copied..lt).unwrap_or(""));
            copied = gt + 1;
            i = gt + 1;
            continue;
        }
        let raw = [&b"script"[..], b"style", b"svg"]
            .into_iter()
            .find(|n| name.eq_ignore_ascii_case(n));
        if let Some(raw) = raw {
            let open = &b[lt..=gt];
            let keep = raw == b"script" && contains_ci(open, b"ld+json");
            let self_closing = open.ends_with(b"/>") && raw == b"svg";
            if !keep
                && !self_closing
                && let Some(close) = find_close(b, gt + 1, raw)
            {
                let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
                o.push_str(html.get(copied..=gt).unwrap_or(""));
                copied = close;
                i = close;
                continue;
            }
        }
        if first.is_ascii_alphabetic()
            && let Some(tag) = html.get(lt..=gt)
        {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            let mark = o.len();
            o.push_str(html.get(copied..lt).unwrap_or(""));
            if slim_tag(o, tag, name.len()) {
                copied = gt + 1;
            } else {
                // Left as it is: copied with the text after it.
                o.truncate(mark);
            }
        }
        i = gt + 1;
        // html5ever reads these as text up to their closing tag, so a `<`
        // inside (`<title>Курс <USD</title>`) must not be taken for a tag.
        if first.is_ascii_alphabetic()
            && let Some(text_only) = TEXT_ONLY.iter().find(|n| name.eq_ignore_ascii_case(n))
        {
            i = find_close(b, i, text_only).unwrap_or(b.len());
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(html.get(copied..).unwrap_or(""));
            Cow::Owned(o)
        }
    }
}

/// How deep containers may nest. html5ever looks through the whole stack of
/// open elements for each block it opens (is a `<p>` open?), so a tower of
/// 100,000 `<div>`s costs it minutes; real pages nest a few dozen deep.
const MAX_DEPTH: usize = 256;

/// Elements that nest (none with an optional end tag, none void); deeper
/// than [`MAX_DEPTH`] their tags are dropped, their content kept.
const NESTING: &[&[u8]] = &[
    b"div",
    b"span",
    b"section",
    b"article",
    b"aside",
    b"nav",
    b"header",
    b"footer",
    b"main",
    b"blockquote",
    b"center",
    b"ul",
    b"ol",
    b"dl",
    b"table",
    b"form",
    b"fieldset",
    b"figure",
    b"details",
    b"a",
    b"b",
    b"i",
    b"u",
    b"s",
    b"em",
    b"strong",
    b"font",
    b"small",
    b"big",
    b"code",
    b"sub",
    b"sup",
    b"label",
    b"q",
    b"cite",
    b"mark",
];

/// Open nesting elements, and the start tags dropped (by name) whose end
/// tags must go too.
struct Depth {
    open: usize,
    per_name: [usize; NESTING.len()],
    dropped: [usize; NESTING.len()],
}

impl Default for Depth {
    fn default() -> Depth {
        Depth {
            open: 0,
            per_name: [0; NESTING.len()],
            dropped: [0; NESTING.len()],
        }
    }
}

impl Depth {
    fn index(name: &[u8]) -> Option<usize> {
        NESTING.iter().position(|n| name.eq_ignore_ascii_case(n))
    }

    /// A start tag: whether it stays.
    fn open(&mut self, name: &[u8]) -> bool {
        let Some(k) = Depth::index(name) else {
            return true;
        };
        if self.open >= MAX_DEPTH {
            self.dropped[k] += 1;
            return false;
        }
        self.open += 1;
        self.per_name[k] += 1;
        true
    }

    /// An end tag: whether it stays.
    fn close(&mut self, name: &[u8]) -> bool {
        let Some(k) = Depth::index(name) else {
            return true;
        };
        if self.dropped[k] > 0 {
            self.dropped[k] -= 1;
            return false;
        }
        if self.per_name[k] > 0 {
            self.per_name[k] -= 1;
            self.open -= 1;
        }
        true
    }
}

/// Elements whose content html5ever tokenizes as text (RCDATA and
/// RAWTEXT; `noscript` too, as scripting is on), other than the raw-text
/// ones dropped above.
const TEXT_ONLY: &[&[u8]] = &[
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

/// Attributes extraction reads; the rest (data-*, srcset, onclick, inline
/// JSON…) is most of a modern page's markup and only costs tokenizing.
fn kept_attribute(name: &str, tag: &str) -> bool {
    const KEEP: &[&str] = &[
        "class",
        "id",
        "role",
        "style",
        "hidden",
        "aria-hidden",
        "itemprop",
        "content",
        "property",
        "name",
        "rel",
        "lang",
        "type",
        "datetime",
    ];
    KEEP.iter().any(|k| name.eq_ignore_ascii_case(k))
        || (name.eq_ignore_ascii_case("href") && tag.eq_ignore_ascii_case("link"))
}

/// Writes the opening tag `tag` (from `<` to `>`, name `name_len` bytes
/// long) to `out` with only the attributes extraction reads; `false`, with
/// `out` as it was, when the tag does not parse simply.
fn slim_tag(out: &mut String, tag: &str, name_len: usize) -> bool {
    let mark = out.len();
    let ok = write_slim(out, tag, name_len).is_some();
    if !ok {
        out.truncate(mark);
    }
    ok
}

fn write_slim(out: &mut String, tag: &str, name_len: usize) -> Option<()> {
    let name = tag.get(1..1 + name_len)?;
    let inner = tag.get(1 + name_len..tag.len().checked_sub(1)?)?;
    let b = inner.as_bytes();
    out.push('<');
    out.push_str(name);
    let mut k = 0usize;
    while k < b.len() {
        if b[k].is_ascii_whitespace() || b[k] == b'/' {
            k += 1;
            continue;
        }
        let start = k;
        while k < b.len() && !(b[k].is_ascii_whitespace() || b[k] == b'=' || b[k] == b'/') {
            k += 1;
        }
        let attr = inner.get(start..k)?;
        let mut j = k;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            match b.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let close = b.get(j + 1..)?.iter().position(|&c| c == q)?;
                    j = j + 1 + close + 1;
                }
                Some(_) => {
                    while j < b.len() && !b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                }
                None => return None,
            }
            k = j;
        }
        if kept_attribute(attr, name) {
            out.push(' ');
            out.push_str(inner.get(start..k)?);
        }
    }
    if inner.ends_with('/') {
        out.push('/');
    }
    out.push('>');
    Some(())
}

/// Index of the `>` closing the tag whose name starts at `from`, with
/// quoted attribute values skipped.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (k, &c) in b.iter().enumerate().skip(from) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return Some(k),
            None => {}
        }
    }
    None
}

/// Index of `</name` (any case) followed by a delimiter, from `from` on.
fn find_close(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(k) = find(b, i, b"</") {
        let after = k + 2;
        let end = after + name.len();
        if b.get(after..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && b.get(end)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
        {
            return Some(k);
        }
        i = after;
    }
    None
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(b.get(from..)?, needle).map(|p| p + from)
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_styles_svg_and_comments() {
        let html = "<p>a</p><script>var x = '<p>no</p>';</script><style>p{}</style>\
                    <!-- c --><svg><path d=\"M0\"/></svg><p>b</p>";
        assert_eq!(
            strip(html),
            "<p>a</p><script></script><style></style><svg></svg><p>b</p>"
        );
    }

    #[test]
    fn keeps_json_ld_and_lookalikes() {
        let html = "<script type=\"application/ld+json\">{\"datePublished\":\"2025\"}</script>\
                    <div title=\"<script>\">Текст</div><p>x < script y</p>";
        assert_eq!(
            strip(html),
            "<script type=\"application/ld+json\">{\"datePublished\":\"2025\"}</script>\
             <div>Текст</div><p>x < script y</p>"
        );
    }

    #[test]
    fn unclosed_raw_text_is_left_alone() {
        let html = "<p>a</p><script>never closed <p>b</p>";
        assert_eq!(strip(html), html);
        assert_eq!(strip("<!-- open"), "<!-- open");
        assert_eq!(strip("<"), "<");
        assert_eq!(strip("<script"), "<script");
    }

    #[test]
    fn keeps_only_the_attributes_extraction_reads() {
        assert_eq!(
            strip("<a href=\"/x\" data-x='{\"a\":1}' class=\"more\">t</a><img src=x alt=\"y\"/>"),
            "<a class=\"more\">t</a><img/>"
        );
        assert_eq!(
            strip(
                "<link rel=\"canonical\" href=\"/n/1\"><meta property=\"og:title\" content=\"Т > Т\">"
            ),
            "<link rel=\"canonical\" href=\"/n/1\"><meta property=\"og:title\" content=\"Т > Т\">"
        );
        assert_eq!(
            strip("<div hidden style=\"display:none\">x</div>"),
            "<div hidden style=\"display:none\">x</div>"
        );
        // An unbalanced quote: the tag is left for html5ever as it is.
        assert_eq!(strip("<p title=\"open>x"), "<p title=\"open>x");
    }

    #[test]
    fn a_less_than_sign_in_a_title_is_text() {
        let html = "<title>Курс <USD - Liter.kz</title><p data-x=\"1\">Текст</p>";
        assert_eq!(
            strip(html),
            "<title>Курс <USD - Liter.kz</title><p>Текст</p>"
        );
        let html = "<textarea><b x=\"1\">a</textarea><p data-x=\"1\">b</p>";
        assert_eq!(strip(html), "<textarea><b x=\"1\">a</textarea><p>b</p>");
        // Never closed: the rest is text to html5ever, and left as it is.
        assert_eq!(strip("<title>a <b c=1>"), "<title>a <b c=1>");
    }

    #[test]
    fn towers_are_cut_at_the_depth_limit_and_their_text_kept() {
        let n = MAX_DEPTH + 50;
        let html = format!(
            "{}<p>текст</p>{}<p>после</p>",
            "<div class=\"x\">".repeat(n),
            "</DIV>".repeat(n)
        );
        let out = strip(&html);
        assert_eq!(out.matches("<div").count(), MAX_DEPTH, "{out}");
        assert_eq!(out.matches("</DIV>").count(), MAX_DEPTH);
        assert!(out.contains("<p>текст</p>") && out.ends_with("<p>после</p>"));
        // Siblings at any count are not nesting.
        let flat = "<div>a</div>".repeat(3 * MAX_DEPTH);
        assert_eq!(strip(&flat), flat);
        // Stray end tags do not lower the count below zero.
        let stray = format!("{}{}", "</span>".repeat(10), "<span>".repeat(MAX_DEPTH));
        assert_eq!(strip(&stray), stray);
    }

    #[test]
    fn closing_tags_in_any_case() {
        assert_eq!(
            strip("<SCRIPT>x</Script ><p>t</p>"),
            "<SCRIPT></Script ><p>t</p>"
        );
    }
}
