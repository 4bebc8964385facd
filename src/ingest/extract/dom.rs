//! A compact copy of the parsed page that extraction walks many times:
//! elements tagged by kind, class/id hints pre-scored, text in one buffer,
//! invisible and never-content subtrees (scripts, forms controls, svg…)
//! left out. Built iteratively, so 10 000 nested divs cost no stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node as HtmlNode};

use super::hints;

/// The element kinds extraction distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Html,
    Body,
    P,
    Div,
    Section,
    Article,
    Main,
    Span,
    A,
    Br,
    H1,
    H2,
    Hx,
    Li,
    Ul,
    Ol,
    Dl,
    Dd,
    Dt,
    Table,
    Tr,
    Td,
    Th,
    Pre,
    Blockquote,
    Figure,
    Figcaption,
    Img,
    Header,
    Footer,
    Nav,
    Aside,
    Form,
    Input,
    Time,
    Hr,
    Address,
    /// Inline formatting (b, i, em, strong, font, sup…).
    Inline,
    /// Anything else, laid out as a block.
    OtherBlock,
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "body" => Tag::Body,
            "p" => Tag::P,
            "div" | "center" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "span" => Tag::Span,
            "a" => Tag::A,
            "br" => Tag::Br,
            "h1" => Tag::H1,
            "h2" => Tag::H2,
            "h3" | "h4" | "h5" | "h6" => Tag::Hx,
            "li" => Tag::Li,
            "ul" | "menu" => Tag::Ul,
            "ol" => Tag::Ol,
            "dl" => Tag::Dl,
            "dd" => Tag::Dd,
            "dt" => Tag::Dt,
            "table" | "tbody" | "thead" | "tfoot" => Tag::Table,
            "tr" => Tag::Tr,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "pre" => Tag::Pre,
            "blockquote" => Tag::Blockquote,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "img" | "picture" => Tag::Img,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "input" | "textarea" | "select" | "button" => Tag::Input,
            "time" => Tag::Time,
            "hr" => Tag::Hr,
            "address" => Tag::Address,
            "b" | "i" | "em" | "strong" | "u" | "s" | "font" | "sup" | "sub" | "small" | "big"
            | "mark" | "abbr" | "cite" | "q" | "code" | "kbd" | "var" | "tt" | "label" | "ins"
            | "del" | "strike" | "bdi" | "bdo" | "dfn" | "samp" | "wbr" | "nobr" => Tag::Inline,
            _ => Tag::OtherBlock,
        }
    }

    pub(crate) fn is_inline(self) -> bool {
        matches!(
            self,
            Tag::Span | Tag::A | Tag::Inline | Tag::Time | Tag::Img | Tag::Input
        )
    }

    pub(crate) fn is_heading(self) -> bool {
        matches!(self, Tag::H1 | Tag::H2 | Tag::Hx)
    }
}

/// Never content: their text is not read at all.
fn is_dead(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "select"
            | "button"
            | "textarea"
            | "option"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "map"
            | "dialog"
    )
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Element {
        tag: Tag,
        /// Class/id weight: positive for article-like, negative for chrome.
        weight: i32,
        /// Why it is chrome (`hints::JUNK_*` bits); 0 when it is not.
        junk: u8,
    },
    Text {
        start: usize,
        end: usize,
        /// Non-whitespace characters.
        chars: u32,
        /// Commas of any script.
        commas: u32,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub parent: usize,
    pub children: Vec<usize>,
    pub kind: Kind,
}

/// Metadata candidates met while walking the page.
#[derive(Debug, Default)]
pub(crate) struct RawMeta {
    /// (key, content) of `<meta property|name|itemprop=… content=…>`, keys lowercased.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    pub title: Option<String>,
    pub html_lang: Option<String>,
    pub json_ld: Vec<String>,
    /// `datetime` attributes of `<time>` elements, in page order.
    pub times: Vec<String>,
    /// Texts of `<h1>` elements, in page order.
    pub h1: Vec<String>,
}

pub(crate) struct Dom {
    pub nodes: Vec<Node>,
    pub text: String,
    pub meta: RawMeta,
}

impl Dom {
    pub(crate) fn text_of(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    pub(crate) fn tag(&self, i: usize) -> Option<Tag> {
        match self.nodes.get(i).map(|n| &n.kind) {
            Some(Kind::Element { tag, .. }) => Some(*tag),
            _ => None,
        }
    }

    /// All text under `i`, whitespace collapsed, blocks not separated.
    pub(crate) fn flat_text(&self, i: usize) -> String {
        let mut out = String::new();
        let mut stack = vec![i];
        while let Some(n) = stack.pop() {
            let Some(node) = self.nodes.get(n) else {
                continue;
            };
            match &node.kind {
                Kind::Text { start, end, .. } => {
                    out.push_str(self.text_of(*start, *end));
                    out.push(' ');
                }
                Kind::Element { .. } => stack.extend(node.children.iter().rev()),
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub(crate) fn build(html: &Html) -> Dom {
        let mut nodes: Vec<Node> = Vec::with_capacity(4096);
        let mut text = String::with_capacity(64 * 1024);
        let mut meta = RawMeta::default();
        nodes.push(Node {
            parent: usize::MAX,
            children: Vec::new(),
            kind: Kind::Element {
                tag: Tag::OtherBlock,
                weight: 0,
                junk: 0,
            },
        });
        // Arena index of each open element; `None` for skipped ones.
        let mut stack: Vec<Option<usize>> = vec![Some(0)];
        let mut dead_depth = 0usize;
        let mut in_title = false;

        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    HtmlNode::Element(el) => {
                        let name = el.name();
                        match name {
                            "meta" => {
                                let key = el
                                    .attr("property")
                                    .or_else(|| el.attr("name"))
                                    .or_else(|| el.attr("itemprop"));
                                if let (Some(k), Some(c)) = (key, el.attr("content")) {
                                    meta.metas.push((k.to_ascii_lowercase(), c.to_string()));
                                }
                            }
                            "link" => {
                                let canonical = el.attr("rel").is_some_and(|r| {
                                    r.split_ascii_whitespace()
                                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                                });
                                if canonical && meta.canonical.is_none() {
                                    meta.canonical = el.attr("href").map(str::to_string);
                                }
                            }
                            "html" if meta.html_lang.is_none() => {
                                meta.html_lang = el.attr("lang").map(str::to_string);
                            }
                            "title" => in_title = meta.title.is_none(),
                            "script"
                                if el.attr("type").is_some_and(|t| {
                                    t.trim().eq_ignore_ascii_case("application/ld+json")
                                }) =>
                            {
                                let mut s = String::new();
                                for c in node.children() {
                                    if let HtmlNode::Text(t) = c.value() {
                                        s.push_str(t);
                                    }
                                }
                                meta.json_ld.push(s);
                            }
                            "time" => {
                                if let Some(dt) = el.attr("datetime") {
                                    meta.times.push(dt.to_string());
                                }
                            }
                            _ => {}
                        }
                        if dead_depth > 0 {
                            dead_depth += 1;
                            stack.push(None);
                            continue;
                        }
                        if is_dead(name) || is_hidden(el) {
                            dead_depth = 1;
                            stack.push(None);
                            continue;
                        }
                        let tag = Tag::of(name);
                        let (weight, junk) = hints::judge(tag, el);
                        let parent = stack.iter().rev().find_map(|s| *s).unwrap_or(0);
                        let idx = nodes.len();
                        nodes.push(Node {
                            parent,
                            children: Vec::new(),
                            kind: Kind::Element { tag, weight, junk },
                        });
                        if let Some(p) = nodes.get_mut(parent) {
                            p.children.push(idx);
                        }
                        stack.push(Some(idx));
                    }
                    HtmlNode::Text(t) => {
                        if in_title {
                            meta.title.get_or_insert_with(String::new).push_str(t);
                        }
                        if dead_depth > 0 {
                            continue;
                        }
                        let parent = stack.iter().rev().find_map(|s| *s).unwrap_or(0);
                        let start = text.len();
                        text.push_str(t);
                        let (chars, commas) = count_text(t);
                        let idx = nodes.len();
                        nodes.push(Node {
                            parent,
                            children: Vec::new(),
                            kind: Kind::Text {
                                start,
                                end: text.len(),
                                chars,
                                commas,
                            },
                        });
                        if let Some(p) = nodes.get_mut(parent) {
                            p.children.push(idx);
                        }
                    }
                    _ => {}
                },
                Edge::Close(node) => {
                    if let HtmlNode::Element(el) = node.value() {
                        if el.name() == "title" {
                            in_title = false;
                        }
                        stack.pop();
                        dead_depth = dead_depth.saturating_sub(1);
                    }
                }
            }
        }
        let mut dom = Dom { nodes, text, meta };
        let h1s: Vec<String> = (0..dom.nodes.len())
            .filter(|&i| dom.tag(i) == Some(Tag::H1))
            .take(3)
            .map(|i| dom.flat_text(i))
            .collect();
        dom.meta.h1 = h1s;
        dom
    }
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if el.attr("aria-hidden").is_some_and(|v| v == "true") {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// Non-whitespace characters and commas in `s`.
pub(crate) fn count_text(s: &str) -> (u32, u32) {
    let mut chars = 0u32;
    let mut commas = 0u32;
    if s.is_ascii() {
        for &b in s.as_bytes() {
            if !b.is_ascii_whitespace() {
                chars += 1;
                commas += u32::from(b == b',');
            }
        }
        return (chars, commas);
    }
    for c in s.chars() {
        if !c.is_whitespace() {
            chars = chars.saturating_add(1);
            if matches!(c, ',' | '，' | '、' | '،') {
                commas = commas.saturating_add(1);
            }
        }
    }
    (chars, commas)
}
