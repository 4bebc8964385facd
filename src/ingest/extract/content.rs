//! Finding the article body: readability-style paragraph scoring (text
//! length, commas, link density, class hints) picks the container, siblings
//! that belong with it join, and then the container is cleaned block by block
//! of link lists, counters, "read also"/related/popular blocks and prompts.

use super::boiler;
use super::dom::{Dom, Kind, Tag};
use super::hints::{JUNK_COMMENTS, JUNK_HINT, JUNK_TAG};

/// How strictly chrome hints are trusted; relaxed when the strict pass finds
/// too little text (a page whose wrapper is named "has-sidebar"…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Strict,
    TagsOnly,
    Loose,
}

impl Mode {
    fn mask(self) -> u8 {
        match self {
            Mode::Strict => JUNK_TAG | JUNK_HINT,
            Mode::TagsOnly => JUNK_TAG,
            Mode::Loose => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Stat {
    chars: u32,
    link_chars: u32,
    commas: u32,
    p: u32,
    li: u32,
    img: u32,
    input: u32,
    /// Chars of direct text and inline children (a "paragraph" held by a div).
    inline_chars: u32,
    inline_commas: u32,
}

struct Pass<'a> {
    dom: &'a Dom,
    excluded: Vec<bool>,
    stats: Vec<Stat>,
    mode: Mode,
}

impl<'a> Pass<'a> {
    /// `raw` holds each node's text size with nothing excluded: an element
    /// named like chrome that holds most of the page is a wrapper
    /// ("container penci_sidebar", "wrapper header-style-2"), not chrome.
    fn new(dom: &'a Dom, mode: Mode, raw: &[u32]) -> Self {
        let n = dom.nodes.len();
        let mut excluded = vec![false; n];
        let mask = mode.mask();
        let wrapper_size = raw.first().copied().unwrap_or(0) / 2;
        for i in 1..n {
            let node = &dom.nodes[i];
            let parent_ex = excluded.get(node.parent).copied().unwrap_or(false);
            let own = match node.kind {
                Kind::Element { junk, .. } => {
                    junk & JUNK_COMMENTS != 0
                        || (junk & mask != 0 && raw.get(i).copied().unwrap_or(0) <= wrapper_size)
                }
                Kind::Text { .. } => false,
            };
            excluded[i] = parent_ex || own;
        }
        let mut stats = vec![Stat::default(); n];
        for i in (0..n).rev() {
            if excluded[i] {
                continue;
            }
            let node = &dom.nodes[i];
            match &node.kind {
                Kind::Text { chars, commas, .. } => {
                    stats[i].chars = *chars;
                    stats[i].commas = *commas;
                }
                Kind::Element { tag, .. } => match tag {
                    Tag::A => stats[i].link_chars = stats[i].chars,
                    Tag::P => stats[i].p += 1,
                    Tag::Li => stats[i].li += 1,
                    Tag::Img => stats[i].img += 1,
                    Tag::Input => stats[i].input += 1,
                    _ => {}
                },
            }
            if i == 0 {
                continue;
            }
            let s = stats[i];
            let inline = match &node.kind {
                Kind::Text { .. } => true,
                Kind::Element { tag, .. } => tag.is_inline(),
            };
            let p = &mut stats[node.parent];
            p.chars += s.chars;
            p.link_chars += s.link_chars;
            p.commas += s.commas;
            p.p += s.p;
            p.li += s.li;
            p.img += s.img;
            p.input += s.input;
            if inline {
                p.inline_chars += s.chars;
                p.inline_commas += s.commas;
            }
        }
        Pass {
            dom,
            excluded,
            stats,
            mode,
        }
    }

    fn link_density(&self, i: usize) -> f64 {
        let s = &self.stats[i];
        if s.chars == 0 {
            0.0
        } else {
            f64::from(s.link_chars) / f64::from(s.chars)
        }
    }

    fn weight(&self, i: usize) -> i32 {
        match &self.dom.nodes[i].kind {
            Kind::Element { weight, .. } if self.mode != Mode::Loose => *weight,
            _ => 0,
        }
    }

    /// Readability's candidate scores; returns the chosen roots in page order.
    fn select(&self) -> Vec<usize> {
        let n = self.dom.nodes.len();
        let mut score: Vec<f64> = vec![0.0; n];
        let mut init = vec![false; n];
        for i in 0..n {
            if self.excluded[i] {
                continue;
            }
            let Some(tag) = self.dom.tag(i) else { continue };
            let (len, commas, first) = match tag {
                Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote | Tag::Dd => {
                    let s = &self.stats[i];
                    (s.chars, s.commas, self.dom.nodes[i].parent)
                }
                Tag::Div
                | Tag::Section
                | Tag::Article
                | Tag::Main
                | Tag::OtherBlock
                | Tag::Li
                | Tag::Body => {
                    let s = &self.stats[i];
                    if s.inline_chars < 25 {
                        continue;
                    }
                    (s.inline_chars, s.inline_commas, i)
                }
                _ => continue,
            };
            if len < 25 {
                continue;
            }
            let content = 1.0 + f64::from(commas) + (f64::from(len) / 100.0).floor().min(3.0);
            let mut anc = first;
            let mut level = 0usize;
            while anc != usize::MAX && anc != 0 && level < 5 {
                if !init[anc] {
                    init[anc] = true;
                    score[anc] = self.initial_score(anc);
                }
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f64 * 3.0,
                };
                score[anc] += content / divider;
                anc = self.dom.nodes[anc].parent;
                level += 1;
            }
        }
        for (i, s) in score.iter_mut().enumerate() {
            if init[i] {
                *s *= 1.0 - self.link_density(i);
            }
        }
        let mut ranked: Vec<usize> = (0..n).filter(|&i| init[i]).collect();
        ranked.sort_by(|a, b| score[*b].total_cmp(&score[*a]));
        // A column of cards scores like prose; among the leaders, halve those.
        let mut demoted = false;
        for &c in ranked.iter().take(8) {
            if self.is_teaser_list(c) {
                score[c] *= 0.5;
                demoted = true;
            }
        }
        if demoted {
            ranked.sort_by(|a, b| score[*b].total_cmp(&score[*a]));
        }
        let Some(&first) = ranked.first() else {
            return Vec::new();
        };
        let mut top = first;
        let top_score = score[top];

        // Several strong candidates under one ancestor: the article is that ancestor.
        let alternatives: Vec<usize> = ranked
            .iter()
            .skip(1)
            .take(4)
            .copied()
            .filter(|&c| score[c] >= top_score * 0.75)
            .collect();
        if alternatives.len() >= 3 {
            let mut anc = self.dom.nodes[top].parent;
            while anc != usize::MAX && anc != 0 {
                let holds = alternatives
                    .iter()
                    .filter(|&&c| self.is_ancestor(anc, c))
                    .count();
                if holds >= 3 {
                    top = anc;
                    break;
                }
                anc = self.dom.nodes[anc].parent;
            }
        }
        // Climb while the parent scores better.
        let mut last = score[top];
        let threshold = last / 3.0;
        let mut parent = self.dom.nodes[top].parent;
        while parent != usize::MAX && parent != 0 && self.dom.tag(parent) != Some(Tag::Body) {
            if !init[parent] {
                parent = self.dom.nodes[parent].parent;
                continue;
            }
            if score[parent] < threshold {
                break;
            }
            if score[parent] > last {
                top = parent;
                break;
            }
            last = score[parent];
            parent = self.dom.nodes[parent].parent;
        }
        // An only child says nothing its parent does not.
        loop {
            let p = self.dom.nodes[top].parent;
            if p == usize::MAX || p == 0 || self.dom.tag(p) == Some(Tag::Body) {
                break;
            }
            let live = self.dom.nodes[p]
                .children
                .iter()
                .filter(|&&c| !self.excluded[c] && self.dom.tag(c).is_some())
                .count();
            if live == 1 {
                top = p;
            } else {
                break;
            }
        }

        // Siblings that belong to the article.
        let top_score = if init[top] { score[top] } else { 0.0 };
        let parent = self.dom.nodes[top].parent;
        if parent == usize::MAX {
            return vec![top];
        }
        let threshold = (top_score * 0.2).max(10.0);
        let top_class = self.weight(top);
        let mut roots = Vec::new();
        for &sib in &self.dom.nodes[parent].children {
            if sib == top {
                roots.push(sib);
                continue;
            }
            if self.excluded[sib] || self.dom.tag(sib).is_none() {
                continue;
            }
            let mut bonus = 0.0;
            if top_class != 0 && self.weight(sib) == top_class {
                bonus = top_score * 0.2;
            }
            // Teaser lists (a linked title and a line of summary each) score
            // like text but are not the article's continuation.
            let keep = if init[sib]
                && score[sib] + bonus >= threshold
                && self.link_density(sib) < 0.3
                && !self.is_teaser_list(sib)
            {
                true
            } else if self.dom.tag(sib) == Some(Tag::P) {
                let len = self.stats[sib].chars;
                let ld = self.link_density(sib);
                if len > 80 && ld < 0.25 {
                    true
                } else {
                    len > 0 && len <= 80 && ld == 0.0 && {
                        let t = self.dom.flat_text(sib);
                        t.ends_with('.') || t.contains(". ")
                    }
                }
            } else {
                false
            };
            if keep {
                roots.push(sib);
            }
        }
        roots
    }

    fn initial_score(&self, i: usize) -> f64 {
        let base = match self.dom.tag(i) {
            Some(Tag::Div | Tag::Article | Tag::Main | Tag::Section) => 5.0,
            Some(Tag::Pre | Tag::Td | Tag::Blockquote) => 3.0,
            Some(
                Tag::Address
                | Tag::Ol
                | Tag::Ul
                | Tag::Dl
                | Tag::Dd
                | Tag::Dt
                | Tag::Li
                | Tag::Form,
            ) => -3.0,
            Some(Tag::H1 | Tag::H2 | Tag::Hx | Tag::Th) => -5.0,
            _ => 0.0,
        };
        base + f64::from(self.weight(i))
    }

    /// The box around a related/popular heading at `node`: its highest
    /// ancestor under `root` that holds well under half the root's text and
    /// more than the heading. `None` when the heading sits in the article's
    /// own flow, where everything after it is chrome.
    fn widget(&self, node: usize, root: usize) -> Option<usize> {
        let root_chars = self.stats.get(root)?.chars;
        let own = self.stats.get(node)?.chars;
        let mut best = None;
        let mut a = node;
        while a != root && a != usize::MAX {
            let chars = self.stats[a].chars;
            if chars * 10 >= root_chars * 4 {
                break;
            }
            if chars > own + 20 {
                best = Some(a);
            }
            a = self.dom.nodes[a].parent;
        }
        if a != root {
            // The heading is not under this root (lines from a sibling).
            return best;
        }
        best
    }

    /// The block holding the most paragraph text of its own (the text of
    /// its `<p>` children, links left out), with that text's size: what an
    /// article is made of, whatever the scores say.
    fn paragraph_holder(&self) -> Option<(usize, u32)> {
        let n = self.dom.nodes.len();
        let mut own = vec![0u32; n];
        for i in 1..n {
            if self.excluded[i] || self.dom.tag(i) != Some(Tag::P) {
                continue;
            }
            let s = &self.stats[i];
            let p = self.dom.nodes[i].parent;
            if let Some(o) = own.get_mut(p) {
                *o = o.saturating_add(s.chars.saturating_sub(s.link_chars));
            }
        }
        own.iter()
            .enumerate()
            .skip(1)
            .max_by_key(|(_, c)| **c)
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (i, *c))
    }

    pub(crate) fn is_within(&self, anc: usize, node: usize) -> bool {
        self.is_ancestor(anc, node)
    }

    /// A list of cards: three or more child blocks, most of which open with
    /// a link (a headline) followed by a summary. News sites' "popular",
    /// "latest" and "related" columns look like this, articles do not.
    fn is_teaser_list(&self, i: usize) -> bool {
        let mut items = 0usize;
        let mut linked = 0usize;
        for &c in self.dom.nodes[i].children.iter().take(200) {
            if self.excluded[c] || self.dom.tag(c).is_none() || self.stats[c].chars == 0 {
                continue;
            }
            items += 1;
            // Cards are blocks of their own (not paragraphs, which may well
            // open with a linked name) whose headline is a fair share of them.
            if self.dom.tag(c) != Some(Tag::P)
                && self.link_density(c) >= 0.1
                && self.opens_with_link(c)
            {
                linked += 1;
            }
        }
        items >= 3 && linked * 10 >= items * 6
    }

    /// Whether the first text under `node` is inside a link. A card's time
    /// or date stamp before its headline ("12:30", "29.11.2025") is not
    /// what it opens with.
    fn opens_with_link(&self, node: usize) -> bool {
        let mut stack = vec![node];
        let mut budget = 64usize;
        while let Some(n) = stack.pop() {
            budget = match budget.checked_sub(1) {
                Some(b) => b,
                None => return false,
            };
            if self.excluded[n] {
                continue;
            }
            match &self.dom.nodes[n].kind {
                Kind::Text {
                    chars, start, end, ..
                } if *chars > 0 => {
                    if *chars <= 16
                        && !self
                            .dom
                            .text_of(*start, *end)
                            .chars()
                            .any(char::is_alphabetic)
                    {
                        continue;
                    }
                    let mut a = self.dom.nodes[n].parent;
                    while a != usize::MAX {
                        if self.dom.tag(a) == Some(Tag::A) {
                            return true;
                        }
                        if a == node {
                            return false;
                        }
                        a = self.dom.nodes[a].parent;
                    }
                    return false;
                }
                Kind::Text { .. } => {}
                Kind::Element { .. } => stack.extend(self.dom.nodes[n].children.iter().rev()),
            }
        }
        false
    }

    fn is_ancestor(&self, anc: usize, mut node: usize) -> bool {
        while node != usize::MAX {
            if node == anc {
                return true;
            }
            node = self.dom.nodes[node].parent;
        }
        false
    }

    /// Readability's conditional cleaning: containers inside the article
    /// that look like link lists, forms, image galleries or widgets.
    fn drop_container(&self, i: usize) -> bool {
        let Some(tag) = self.dom.tag(i) else {
            return false;
        };
        if !matches!(
            tag,
            Tag::Div
                | Tag::Section
                | Tag::Table
                | Tag::Ul
                | Tag::Ol
                | Tag::Dl
                | Tag::Form
                | Tag::Figure
                | Tag::OtherBlock
                | Tag::Header
                | Tag::Footer
                | Tag::Aside
                | Tag::Nav
        ) {
            return false;
        }
        let weight = self.weight(i);
        if weight < 0 {
            return true;
        }
        // A box of cards inside the article's container; numbered or bulleted
        // lists that open each item with a link are often the article itself
        // ("10 things…", a digest), so they are left to link density.
        if !matches!(tag, Tag::Ul | Tag::Ol | Tag::Dl) && self.is_teaser_list(i) {
            return true;
        }
        let s = &self.stats[i];
        if s.commas >= 10 {
            return false;
        }
        let is_list = matches!(tag, Tag::Ul | Tag::Ol | Tag::Dl);
        let ld = self.link_density(i);
        let p = f64::from(s.p);
        let img = f64::from(s.img);
        let li = f64::from(s.li);
        if tag != Tag::Figure && img > 1.0 && p / img < 0.5 && s.chars < 200 {
            return true;
        }
        if !is_list && li > p + 1.0 && ld > 0.3 {
            return true;
        }
        if f64::from(s.input) > (p / 3.0).max(1.0) {
            return true;
        }
        if !is_list && s.chars < 25 && tag != Tag::Figure && (s.img == 0 || s.img > 2) {
            return s.chars > 0 && ld > 0.0;
        }
        if weight < 25 && ld > 0.33 {
            return true;
        }
        weight >= 25 && ld > 0.5
    }

    /// The text of the chosen roots, block by block.
    fn lines(&self, roots: &[usize]) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut cur = Line::default();
        for &root in roots {
            // (node, entering)
            let mut stack = vec![(root, true)];
            while let Some((i, entering)) = stack.pop() {
                let node = &self.dom.nodes[i];
                match &node.kind {
                    Kind::Text { start, end, .. } => {
                        if self.excluded[i] {
                            continue;
                        }
                        let t = self.dom.text_of(*start, *end);
                        cur.push(t, self.stats[i].link_chars > 0 || cur.link_depth > 0);
                    }
                    Kind::Element { tag, .. } => {
                        let tag = *tag;
                        if entering {
                            if self.excluded[i] || (i != root && self.drop_container(i)) {
                                continue;
                            }
                            if tag == Tag::H1 {
                                continue;
                            }
                            if tag == Tag::Br || tag == Tag::Hr {
                                cur.flush(&mut lines);
                                continue;
                            }
                            if matches!(tag, Tag::Td | Tag::Th) {
                                // Cells of a row make one line.
                                cur.text.push(' ');
                            } else if !tag.is_inline() {
                                cur.flush(&mut lines);
                                cur.block = Some(tag);
                                cur.node = i;
                                cur.root = root;
                            }
                            if tag == Tag::A {
                                cur.link_depth += 1;
                            }
                            stack.push((i, false));
                            for &c in node.children.iter().rev() {
                                stack.push((c, true));
                            }
                        } else {
                            if tag == Tag::A {
                                cur.link_depth = cur.link_depth.saturating_sub(1);
                            }
                            if matches!(tag, Tag::Td | Tag::Th) {
                                cur.text.push(' ');
                            } else if !tag.is_inline() {
                                cur.flush(&mut lines);
                                cur.block = None;
                                cur.node = node.parent;
                            }
                        }
                    }
                }
            }
            cur.flush(&mut lines);
        }
        lines
    }
}

#[derive(Debug, Default)]
pub(crate) struct Line {
    pub text: String,
    pub chars: usize,
    pub link_chars: usize,
    pub block: Option<Tag>,
    /// The block element the line came from, and the root holding it.
    pub node: usize,
    pub root: usize,
    pub(crate) link_depth: u32,
}

impl Line {
    fn push(&mut self, t: &str, in_link: bool) {
        self.text.push_str(t);
        let n = t.chars().filter(|c| !c.is_whitespace()).count();
        self.chars += n;
        if in_link {
            self.link_chars += n;
        }
    }

    fn flush(&mut self, lines: &mut Vec<Line>) {
        if self.chars > 0 {
            self.text = self.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let (block, node, root) = (self.block, self.node, self.root);
            let depth = self.link_depth;
            let mut done = std::mem::take(self);
            done.link_depth = 0;
            lines.push(done);
            self.block = block;
            self.node = node;
            self.root = root;
            self.link_depth = depth;
        } else {
            self.text.clear();
        }
    }
}

/// Text size under each node, nothing excluded.
fn raw_sizes(dom: &Dom) -> Vec<u32> {
    let mut raw = vec![0u32; dom.nodes.len()];
    for i in (0..dom.nodes.len()).rev() {
        let node = &dom.nodes[i];
        if let Kind::Text { chars, .. } = node.kind {
            raw[i] = chars;
        }
        if i > 0
            && let Some(p) = raw.get(node.parent).copied()
        {
            raw[node.parent] = p.saturating_add(raw[i]);
        }
    }
    raw
}

/// The article text of `dom`, paragraphs split by `\n`, not yet normalised.
pub(crate) fn main_text(dom: &Dom) -> String {
    let raw = raw_sizes(dom);
    let total = raw.first().copied().unwrap_or(0);
    let mut best = String::new();
    for mode in [Mode::Strict, Mode::TagsOnly, Mode::Loose] {
        let pass = Pass::new(dom, mode, &raw);
        let roots = pass.select();
        let read = |roots: &[usize]| {
            let lines = pass.lines(roots);
            let chars: usize = lines.iter().map(|l| l.chars).sum();
            let links: usize = lines.iter().map(|l| l.link_chars).sum();
            let text = boiler::assemble(
                &lines,
                |node, root| pass.widget(node, root),
                |anc, node| pass.is_within(anc, node),
            );
            let len = text.chars().filter(|c| !c.is_whitespace()).count();
            (text, len, links as f64 / chars.max(1) as f64)
        };
        let (mut text, mut len, link_share) = read(&roots);
        // The pick is a list of links, or far shorter than the paragraphs
        // another block holds (a title, a column of news items): that
        // block's text is the article.
        if let Some((holder, prose)) = pass.paragraph_holder()
            && !roots.iter().any(|&r| pass.is_within(r, holder))
            && (link_share >= 0.5 || prose as usize >= 3 * len.max(100))
        {
            let (alt, alt_len, alt_links) = read(&[holder]);
            if alt_len > len && alt_links < 0.3 {
                (text, len) = (alt, alt_len);
            }
        }
        let best_len = best.chars().filter(|c| !c.is_whitespace()).count();
        if len > best_len {
            best = text;
        }
        // Enough found: stop relaxing.
        if len >= 500 || len as f64 >= f64::from(total) * 0.25 {
            break;
        }
    }
    best
}

/// Why the text holding `needle` was kept or not: its ancestors with their
/// tags, weights, junk bits and container verdicts, and the chosen roots.
/// For tuning by hand (`bench_extract --explain ID NEEDLE`).
pub(crate) fn explain(dom: &Dom, needle: &str) -> String {
    use std::fmt::Write;
    let raw = raw_sizes(dom);
    let pass = Pass::new(dom, Mode::Strict, &raw);
    let roots = pass.select();
    let mut out = String::new();
    let _ = writeln!(out, "roots: {roots:?}");
    for (i, node) in dom.nodes.iter().enumerate() {
        if let Kind::Text { start, end, .. } = node.kind
            && dom.text_of(start, end).contains(needle)
        {
            let mut a = node.parent;
            while a != usize::MAX {
                if let Kind::Element { tag, weight, junk } = &dom.nodes[a].kind {
                    let _ = writeln!(
                        out,
                        "  {a} {tag:?} w={weight} junk={junk} excl={} drop={} chars={} ld={:.2} root={}",
                        pass.excluded[a],
                        pass.drop_container(a),
                        pass.stats[a].chars,
                        pass.link_density(a),
                        roots.contains(&a)
                    );
                }
                a = dom.nodes[a].parent;
            }
            let _ = writeln!(out, "  (text node {i})");
            break;
        }
    }
    out
}
