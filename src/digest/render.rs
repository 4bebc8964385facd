//! A selection as Telegram HTML: everything escaped, grouped by topic under
//! a localised header with an emoji, split at entry boundaries so that no
//! message passes Telegram's 4096-character limit.

use chrono::{DateTime, Datelike, TimeZone};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::sync::Arc;

use super::select::{Entry, Selection};
use crate::i18n::Texts;
use crate::text::Lang;

/// Telegram's limit on one message, in UTF-16 code units.
pub const MAX_MESSAGE: usize = 4096;

/// Display names of topics and regions (the summarizer's knowledge base).
pub trait Names {
    fn topic_name(&self, id: &str, lang: Lang) -> String;
    fn region_name(&self, id: &str, lang: Lang) -> String;
}

impl Names for crate::summarize::Knowledge {
    fn topic_name(&self, id: &str, lang: Lang) -> String {
        crate::summarize::Knowledge::topic_name(self, id, lang)
            .unwrap_or(id)
            .to_string()
    }
    fn region_name(&self, id: &str, lang: Lang) -> String {
        crate::summarize::Knowledge::region_name(self, id, lang)
            .unwrap_or(id)
            .to_string()
    }
}

/// Telegram HTML as plain text: tags dropped, entities decoded, links
/// followed by their address. For terminals and transcripts. Read as
/// Telegram reads it; markup Telegram would refuse is shown as it is.
pub fn to_plain(html: &str) -> String {
    match civic_digest_telegram_html::parse_html(html) {
        Ok(parsed) => parsed.readable(),
        Err(_) => html.to_string(),
    }
}

/// How a digest reads.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub lang: Lang,
    /// Groups and slow connections: one short quote, short lines.
    pub low_bandwidth: bool,
    /// Instant news rather than the scheduled digest.
    pub instant: bool,
}

/// How entries are laid out and how many go in one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Title, outlet, date and one short quote.
    pub compact: bool,
    /// Entries per message (`usize::MAX`: as many as fit).
    pub per_page: usize,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            compact: false,
            per_page: usize::MAX,
        }
    }
}

/// Escapes text for Telegram's HTML parse mode.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// At most `max` characters, cut at a word with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    // One line: a digest block is cut only between lines (see `clip`).
    let flat = s.replace(['\n', '\r'], " ");
    let s = flat.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!(
        "{}…",
        cut.trim_end_matches([',', '.', ';', ':', ' ', '—', '-'])
    )
}

fn units(s: &str) -> usize {
    civic_digest_telegram_html::utf16_len(s)
}

/// The localised date line, e.g. «29 ноября 2025».
pub fn date_line(texts: &Texts, lang: Lang, at: DateTime<Tz>) -> String {
    let month = texts
        .t(lang, &format!("months.{}", at.month0()))
        .to_string();
    texts.fmt(
        lang,
        "digest.date",
        &[
            ("day", &at.day().to_string()),
            ("month", &month),
            ("year", &at.year().to_string()),
        ],
    )
}

/// When an article was published, on the reader's clock and in their
/// language: «29 ноября 2025, 13:11».
pub fn published_line(texts: &Texts, lang: Lang, published_at: i64, tz: Tz) -> Option<String> {
    let local = tz.timestamp_opt(published_at, 0).single()?;
    Some(format!(
        "{}, {}",
        date_line(texts, lang, local),
        local.format("%H:%M")
    ))
}

/// A compact entry: the title as a link, outlet and date, one short quote
/// (or nothing), no regions and no other outlets.
fn compact_block(texts: &Texts, style: Style, tz: Tz, e: &Entry<'_>) -> String {
    let a = e.article;
    let mut s = format!(
        "<a href=\"{}\">{}</a>\n",
        escape(&a.url.replace(['\n', '\r'], "")),
        escape(&shorten(&a.title, 110))
    );
    let date = a.published_at.and_then(|p| {
        let local = tz.timestamp_opt(p, 0).single()?;
        let key = format!("months.{}", local.month0());
        let month = texts.t(style.lang, &key);
        Some(format!(
            "{} {month}, {}",
            local.day(),
            local.format("%H:%M")
        ))
    });
    let line: Vec<String> = [Some(shorten(&a.source_name, 40)), date]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect();
    if !line.is_empty() {
        s.push_str(&format!("<i>{}</i>\n", escape(&line.join(" · "))));
    }
    if let Some((quote, speaker)) = &a.quote {
        let speaker = speaker
            .as_deref()
            .and_then(|p| p.split_whitespace().last())
            .map(|p| format!(" — {}", escape(&shorten(p, 30))))
            .unwrap_or_default();
        s.push_str(&format!("«{}»{speaker}\n", escape(&shorten(quote, 90))));
    }
    s
}

fn entry_block(texts: &Texts, names: &dyn Names, style: Style, tz: Tz, e: &Entry<'_>) -> String {
    let a = e.article;
    let (title_max, quote_max) = if style.low_bandwidth {
        (120, 140)
    } else {
        (300, 350)
    };
    let mut s = format!(
        "<a href=\"{}\">{}</a>\n",
        escape(&a.url.replace(['\n', '\r'], "")),
        escape(&shorten(&a.title, title_max))
    );
    let mut outlet = escape(&shorten(&a.source_name, 60));
    if !e.also.is_empty() && !style.low_bandwidth {
        let also: Vec<String> = e.also.iter().take(5).map(|o| shorten(o, 40)).collect();
        outlet = format!(
            "{outlet} · {}",
            escape(&texts.fmt(style.lang, "digest.also", &[("outlets", &also.join(", "))]))
        );
    }
    if let Some(date) = a
        .published_at
        .and_then(|p| published_line(texts, style.lang, p, tz))
    {
        outlet = if outlet.is_empty() {
            escape(&date)
        } else {
            format!("{outlet} · {}", escape(&date))
        };
    }
    if !outlet.is_empty() {
        s.push_str(&format!("<i>{outlet}</i>\n"));
    }
    match (&a.quote, &a.key_sentence) {
        (Some((quote, speaker)), _) => {
            let speaker = speaker
                .as_deref()
                .map(|p| format!(" — {}", escape(&shorten(p, 60))))
                .unwrap_or_default();
            s.push_str(&format!(
                "«{}»{speaker}\n",
                escape(&shorten(quote, quote_max))
            ));
        }
        (None, Some(sentence)) if !style.low_bandwidth => {
            s.push_str(&format!("{}\n", escape(&shorten(sentence, quote_max))));
        }
        _ => {}
    }
    if !e.reasons.regions.is_empty() || !a.regions.is_empty() {
        let regions = if e.reasons.regions.is_empty() {
            &a.regions
        } else {
            &e.reasons.regions
        };
        let names: Vec<String> = regions
            .iter()
            .take(3)
            .map(|r| names.region_name(r, style.lang))
            .collect();
        s.push_str(&format!(
            "{} {}\n",
            texts.t(style.lang, "emoji.region"),
            escape(&names.join(", "))
        ));
    }
    s
}

/// Renders a selection into messages of at most 4096 UTF-16 units each,
/// split only between entries. Returns no message for an empty selection.
pub fn render_digest(
    selection: &Selection<'_>,
    texts: &Texts,
    names: &dyn Names,
    style: Style,
    at: DateTime<Tz>,
) -> Vec<String> {
    render_digest_as(selection, texts, names, style, Layout::default(), at)
}

/// [`render_digest`] in a layout, at most `layout.per_page` entries a message.
pub fn render_digest_as(
    selection: &Selection<'_>,
    texts: &Texts,
    names: &dyn Names,
    style: Style,
    layout: Layout,
    at: DateTime<Tz>,
) -> Vec<String> {
    render_with(
        selection,
        texts,
        names,
        style,
        layout,
        at,
        &mut Blocks::default(),
    )
    .iter()
    .map(Composed::text)
    .collect()
}

/// A piece of a message and its length in UTF-16 units.
#[derive(Debug, Clone)]
pub struct Piece {
    text: Arc<str>,
    units: usize,
}

impl Piece {
    pub fn new(text: impl Into<Arc<str>>) -> Piece {
        let text = text.into();
        Piece {
            units: units(&text),
            text,
        }
    }

    /// The text, to queue.
    pub fn into_text(self) -> Arc<str> {
        self.text
    }
}

/// A message as the pieces it is made of: a story's block is one piece
/// that every digest showing it shares (and the store keeps once).
#[derive(Debug, Clone, Default)]
pub struct Composed {
    pieces: Vec<Piece>,
    units: usize,
}

impl Composed {
    fn push(&mut self, piece: &Piece) {
        self.units += piece.units;
        self.pieces.push(piece.clone());
    }

    fn append(&mut self, other: Composed) {
        self.units += other.units;
        self.pieces.extend(other.pieces);
    }

    /// The message's text.
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(self.pieces.iter().map(|p| p.text.len()).sum());
        for p in &self.pieces {
            s.push_str(&p.text);
        }
        s
    }

    /// The pieces, to queue.
    pub fn into_pieces(self) -> crate::store::Pieces {
        self.pieces.into_iter().map(|p| p.text).collect()
    }

    /// Drops white space at both ends, as `str::trim` would.
    fn trim(&mut self) {
        while self
            .pieces
            .last()
            .is_some_and(|p| p.text.trim_end().is_empty())
        {
            self.units -= self.pieces.pop().map_or(0, |p| p.units);
        }
        while self
            .pieces
            .first()
            .is_some_and(|p| p.text.trim_start().is_empty())
        {
            self.units -= self.pieces.remove(0).units;
        }
        let ends = [self.pieces.len().checked_sub(1), Some(0)];
        for (i, at_end) in ends.into_iter().zip([true, false]) {
            let Some(p) = i.and_then(|i| self.pieces.get_mut(i)) else {
                continue;
            };
            let kept = if at_end {
                p.text.trim_end()
            } else {
                p.text.trim_start()
            };
            if kept.len() != p.text.len() {
                let trimmed = Piece::new(kept);
                self.units = self.units - p.units + trimmed.units;
                *p = trimmed;
            }
        }
    }
}

/// The entry blocks one digest run has rendered, so that a story is
/// rendered once per way of showing it, not once per subscriber. A block
/// depends on the article, the style, the layout, the reader's time zone,
/// the other outlets shown with it and the regions that chose it. The
/// short texts around blocks (headers, numbers) are kept once too.
#[derive(Default)]
pub struct Blocks {
    rendered: HashMap<BlockKey, Vec<Variant>, Fast>,
    /// Hashed fast: a run looks up hundreds of thousands of short texts.
    phrases: HashMap<String, Piece, Fast>,
    /// What every digest of a language has, made once per run: the header
    /// (by kind and local date), each group's heading and name, the footer
    /// and the entry numbers.
    headers: HashMap<(bool, Lang, chrono::NaiveDate), Piece, Fast>,
    headings: HashMap<Lang, ByGroup<(Piece, Arc<str>)>, Fast>,
    /// «N more» under a group, by language and N.
    mores: HashMap<(Lang, usize), ByGroup<Piece>, Fast>,
    footers: HashMap<Lang, Piece, Fast>,
    numbers: Vec<Piece>,
}

type Fast = foldhash::fast::RandomState;

/// By group (a topic id, "followed", "other").
type ByGroup<T> = HashMap<String, T, Fast>;

/// One rendering of an article: the outlets and regions it was shown
/// with, and its text (without its last line break).
struct Variant {
    also: Vec<String>,
    regions: Vec<String>,
    text: Piece,
}

#[derive(PartialEq, Eq, Hash)]
struct BlockKey {
    article: i64,
    lang: Lang,
    low_bandwidth: bool,
    compact: bool,
    tz: Tz,
}

impl Blocks {
    fn block(
        &mut self,
        texts: &Texts,
        names: &dyn Names,
        style: Style,
        layout: Layout,
        tz: Tz,
        e: &Entry<'_>,
    ) -> Piece {
        let key = BlockKey {
            article: e.article.id,
            lang: style.lang,
            low_bandwidth: style.low_bandwidth,
            compact: layout.compact,
            tz,
        };
        let variants = self.rendered.entry(key).or_default();
        let found = variants.iter().position(|v| {
            v.also.iter().map(String::as_str).eq(e.also.iter().copied())
                && v.regions == e.reasons.regions
        });
        let i = match found {
            Some(i) => i,
            None => {
                let text = if layout.compact {
                    compact_block(texts, style, tz, e)
                } else {
                    entry_block(texts, names, style, tz, e)
                };
                variants.push(Variant {
                    also: e.also.iter().map(|o| o.to_string()).collect(),
                    regions: e.reasons.regions.clone(),
                    text: Piece::new(text.strip_suffix('\n').unwrap_or(&text)),
                });
                variants.len() - 1
            }
        };
        variants[i].text.clone()
    }

    /// The header of a digest of this style at `at`.
    fn header(&mut self, texts: &Texts, style: Style, at: DateTime<Tz>) -> Piece {
        let key = (style.instant, style.lang, at.date_naive());
        if let Some(p) = self.headers.get(&key) {
            return p.clone();
        }
        let header_key = if style.instant {
            "digest.header_instant"
        } else {
            "digest.header"
        };
        let header = self.phrase(&texts.fmt(
            style.lang,
            header_key,
            &[("date", &escape(&date_line(texts, style.lang, at)))],
        ));
        self.headers.insert(key, header.clone());
        header
    }

    /// The heading of a group (a topic, or "followed", "other") and its
    /// name, in `lang`.
    fn heading(
        &mut self,
        texts: &Texts,
        names: &dyn Names,
        lang: Lang,
        topic: &str,
    ) -> (Piece, Arc<str>) {
        if let Some(found) = self.headings.get(&lang).and_then(|h| h.get(topic)) {
            return found.clone();
        }
        let topic_name = if matches!(topic, "followed" | "other") {
            texts.t(lang, &format!("digest.{topic}")).to_string()
        } else {
            names.topic_name(topic, lang)
        };
        let heading = self.phrase(&format!(
            "{} <b>{}</b>\n",
            escape(texts.t(lang, &format!("emoji.{topic}"))),
            escape(&topic_name)
        ));
        let made = (heading, Arc::from(topic_name));
        self.headings
            .entry(lang)
            .or_default()
            .insert(topic.to_string(), made.clone());
        made
    }

    /// «N more — /latest topic» under a group that left `n` stories out.
    fn more_line(
        &mut self,
        texts: &Texts,
        lang: Lang,
        topic: &str,
        topic_name: &str,
        n: usize,
    ) -> Piece {
        if let Some(p) = self.mores.get(&(lang, n)).and_then(|m| m.get(topic)) {
            return p.clone();
        }
        let more = texts.fmt(
            lang,
            "digest.more",
            &[("n", &n.to_string()), ("topic", topic_name)],
        );
        let line = self.phrase(&format!("<i>{}</i>", escape(&more)));
        self.mores
            .entry((lang, n))
            .or_default()
            .insert(topic.to_string(), line.clone());
        line
    }

    /// The footer of a digest in `lang`.
    fn footer(&mut self, texts: &Texts, lang: Lang) -> Piece {
        if let Some(p) = self.footers.get(&lang) {
            return p.clone();
        }
        let footer = self.phrase(&format!(
            "<i>{}</i>",
            escape(texts.t(lang, "digest.footer"))
        ));
        self.footers.insert(lang, footer.clone());
        footer
    }

    /// «N. » before the N-th entry.
    fn number(&mut self, n: usize) -> Piece {
        while self.numbers.len() < n {
            let next = self.phrase(&format!("{}. ", self.numbers.len() + 1));
            self.numbers.push(next);
        }
        self.numbers[n - 1].clone()
    }

    /// A short text, kept once however many messages hold it.
    pub fn phrase(&mut self, text: &str) -> Piece {
        if let Some(p) = self.phrases.get(text) {
            return p.clone();
        }
        let p = Piece::new(text);
        self.phrases.insert(text.to_string(), p.clone());
        p
    }
}

/// [`render_digest_as`], reusing the blocks a run has already rendered,
/// as the pieces each message is made of.
pub fn render_with(
    selection: &Selection<'_>,
    texts: &Texts,
    names: &dyn Names,
    style: Style,
    layout: Layout,
    at: DateTime<Tz>,
    shared: &mut Blocks,
) -> Vec<Composed> {
    if selection.is_empty() {
        return Vec::new();
    }
    let header = shared.header(texts, style, at);
    let line_break = shared.phrase("\n");
    let mut blocks: Vec<Composed> = Vec::new();
    let mut n = 0;
    for group in &selection.groups {
        let not_a_topic = matches!(group.topic.as_str(), "followed" | "other");
        let (heading, topic_name) = shared.heading(texts, names, style.lang, &group.topic);
        for (i, e) in group.entries.iter().enumerate() {
            n += 1;
            let mut block = Composed::default();
            if i == 0 {
                block.push(&heading);
            }
            block.push(&shared.number(n));
            block.push(&shared.block(texts, names, style, layout, at.timezone(), e));
            block.push(&line_break);
            if i + 1 == group.entries.len() && group.more > 0 && !not_a_topic {
                let more =
                    shared.more_line(texts, style.lang, &group.topic, &topic_name, group.more);
                block.push(&more);
                block.push(&line_break);
            }
            blocks.push(block);
        }
    }
    let footer = shared.footer(texts, style.lang);
    pack_composed(header, blocks, Some(footer), layout.per_page)
}

/// Packs blocks into messages: the header on the first, the footer on the
/// last, a blank line between blocks, each message within the limit.
pub fn pack(header: &str, blocks: Vec<String>, footer: &str) -> Vec<String> {
    pack_pages(header, blocks, footer, usize::MAX)
}

/// [`pack`] with at most `per_page` blocks in one message.
pub fn pack_pages(header: &str, blocks: Vec<String>, footer: &str, per_page: usize) -> Vec<String> {
    let single = |text: String| {
        let mut c = Composed::default();
        c.push(&Piece::new(text));
        c
    };
    let footer = (!footer.is_empty()).then(|| Piece::new(footer));
    pack_composed(
        Piece::new(header),
        blocks.into_iter().map(single).collect(),
        footer,
        per_page,
    )
    .iter()
    .map(Composed::text)
    .collect()
}

/// [`pack_pages`] on composed blocks.
fn pack_composed(
    header: Piece,
    blocks: Vec<Composed>,
    footer: Option<Piece>,
    per_page: usize,
) -> Vec<Composed> {
    let mut blocks = blocks
        .into_iter()
        .map(|block| clip_composed(block, MAX_MESSAGE - 2))
        .peekable();
    // The header goes with the first block, a blank line between them.
    let mut first = Composed::default();
    first.push(&header);
    if let Some(block) = blocks.next() {
        first.push(&Piece::new("\n\n"));
        first.append(block);
    }
    let line_break = Piece::new("\n");
    let groups = fill_by(
        std::iter::once(first).chain(blocks).map(|b| {
            let u = b.units;
            (b, u)
        }),
        MAX_MESSAGE,
        per_page,
    );
    let mut messages: Vec<Composed> = groups
        .into_iter()
        .map(|group| {
            let mut message = Composed::default();
            for (i, block) in group.into_iter().enumerate() {
                if i > 0 {
                    message.push(&line_break);
                }
                message.append(block);
            }
            message.trim();
            message
        })
        .filter(|m| m.units > 0)
        .collect();
    if let Some(footer) = footer {
        match messages.last_mut() {
            Some(last) if last.units + 2 + footer.units <= MAX_MESSAGE => {
                last.push(&Piece::new("\n\n"));
                last.push(&footer);
            }
            _ => {
                let mut alone = Composed::default();
                alone.push(&footer);
                messages.push(alone);
            }
        }
    }
    if messages.is_empty() {
        messages.push(Composed::default());
    }
    messages
}

/// Groups pieces, given with their length, into messages of at most
/// `limit` UTF-16 units (a line break between pieces) and `per_message`
/// pieces. A piece is never cut: one longer than the limit is a message
/// of its own. The one splitter of digests, lists and messages Telegram
/// found too long.
fn fill_by<T>(
    pieces: impl IntoIterator<Item = (T, usize)>,
    limit: usize,
    per_message: usize,
) -> Vec<Vec<T>> {
    let mut groups = Vec::new();
    let mut current = Vec::new();
    // The length of the current message in UTF-16 units, kept as it grows.
    let mut current_units = 0;
    for (piece, piece_units) in pieces {
        if !current.is_empty()
            && (current_units + 1 + piece_units > limit || current.len() >= per_message.max(1))
        {
            groups.push(std::mem::take(&mut current));
            current_units = 0;
        }
        if !current.is_empty() {
            current_units += 1;
        }
        current_units += piece_units;
        current.push(piece);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// Joins pieces, a newline between them, into messages of at most `limit`
/// UTF-16 units and `per_message` pieces, each message trimmed (see
/// [`fill_by`]).
pub fn fill(
    pieces: impl IntoIterator<Item = String>,
    limit: usize,
    per_message: usize,
) -> Vec<String> {
    fill_by(
        pieces.into_iter().map(|p| {
            let u = units(&p);
            (p, u)
        }),
        limit,
        per_message,
    )
    .into_iter()
    .map(|group| group.join("\n").trim().to_string())
    .filter(|m| !m.is_empty())
    .collect()
}

/// [`clip`] for a composed block (rare: one story alone past the limit).
fn clip_composed(block: Composed, max: usize) -> Composed {
    if block.units <= max {
        return block;
    }
    let mut clipped = Composed::default();
    clipped.push(&Piece::new(clip(block.text(), max)));
    clipped
}

/// A block that alone is too long loses lines from its end (never a tag
/// cut in half: blocks are built from whole lines).
fn clip(block: String, max: usize) -> String {
    if units(&block) <= max {
        return block;
    }
    let mut out = String::new();
    for line in block.lines() {
        if units(&out) + units(line) + 1 > max {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The date an entry shows is local, with the offset of its day, and in
    /// the reader's language.
    #[test]
    fn publication_dates_read_in_local_time_and_language() {
        let texts = Texts::embedded();
        let tz = crate::text::dates::KAZAKHSTAN;
        // 2023-11-29 07:11 UTC: 13:11 in Almaty (UTC+6 then).
        let old = 1_701_241_860;
        assert_eq!(
            published_line(&texts, Lang::Ru, old, tz).as_deref(),
            Some("29 ноября 2023, 13:11")
        );
        // 2025-11-29 07:11 UTC: 12:11 (UTC+5 since March 2024).
        let new = old + 731 * 86_400;
        assert_eq!(
            published_line(&texts, Lang::Kk, new, tz).as_deref(),
            Some("2025 жылғы 29 қараша, 12:11")
        );
        assert_eq!(
            published_line(&texts, Lang::En, new, tz).as_deref(),
            Some("29 November 2025, 12:11")
        );
    }

    #[test]
    fn escapes_hostile_text() {
        assert_eq!(
            escape("<b>A & B</a>\""),
            "&lt;b&gt;A &amp; B&lt;/a&gt;&quot;"
        );
    }

    #[test]
    fn plain_text_keeps_links_and_decodes() {
        let html =
            "<b>Дайджест</b>\n1. <a href=\"https://liter.kz/a?x=1&amp;y=2\">A &amp; B &lt;3</a>";
        assert_eq!(
            to_plain(html),
            "Дайджест\n1. A & B <3 (https://liter.kz/a?x=1&y=2)"
        );
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("Аким села рассказал о планах", 15), "Аким села…");
        assert_eq!(shorten("коротко", 15), "коротко");
    }

    #[test]
    fn pack_splits_between_blocks_within_the_limit() {
        let blocks: Vec<String> = (0..100)
            .map(|i| format!("{i}. {}\n", "слово ".repeat(30)))
            .collect();
        let msgs = pack("HEADER", blocks, "FOOTER");
        assert!(msgs.len() > 1);
        assert!(msgs.iter().all(|m| units(m) <= MAX_MESSAGE));
        assert!(msgs[0].starts_with("HEADER"));
        assert!(msgs.last().unwrap().ends_with("FOOTER"));
        let all = msgs.join("\n");
        for i in 0..100 {
            assert!(all.contains(&format!("\n{i}. ")), "entry {i} kept whole");
        }
    }

    /// Pieces are kept whole and in order, a long one alone, never more
    /// than asked in one message.
    #[test]
    fn fill_keeps_every_piece_whole() {
        let pieces: Vec<String> = ["один", "два", &"ж".repeat(30), "три", "четыре", "пять"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let messages = fill(pieces.clone(), 12, 2);
        assert_eq!(
            messages,
            vec!["один\nдва", &"ж".repeat(30), "три\nчетыре", "пять"]
        );
        assert_eq!(messages.join("\n"), pieces.join("\n"));
        assert!(fill(Vec::<String>::new(), 12, 2).is_empty());
    }

    /// A run renders each story once per way of showing it; what it
    /// reuses reads exactly as a fresh rendering, whatever the numbering,
    /// the regions that chose the story or the style.
    #[test]
    fn reused_blocks_read_as_fresh_ones() {
        use crate::digest::select::{Filters, Index};
        let texts = Texts::embedded();
        let names = crate::summarize::Knowledge::embedded();
        let now = 1_764_000_000;
        let candidates = candidates(now);
        let index = Index::new(&candidates, &HashMap::new(), now, 48 * 3600);
        let at = crate::digest::schedule::local(crate::digest::schedule::DEFAULT_TZ, now);
        let mut shared = Blocks::default();
        let filters = [
            Filters::default(),
            Filters {
                regions: vec!["almaty".into()],
                ..Filters::default()
            },
            Filters {
                topics: vec!["healthcare".into()],
                after_id: 4,
                ..Filters::default()
            },
        ];
        let mut compared = 0;
        for f in &filters {
            let selection = index.select(f, 2);
            assert!(!selection.is_empty());
            for low_bandwidth in [false, true] {
                for lang in [Lang::Ru, Lang::Kk] {
                    for compact in [false, true] {
                        let style = Style {
                            lang,
                            low_bandwidth,
                            instant: false,
                        };
                        let layout = Layout {
                            compact,
                            per_page: 3,
                        };
                        let fresh = render_digest_as(&selection, &texts, &names, style, layout, at);
                        let reused: Vec<String> =
                            render_with(&selection, &texts, &names, style, layout, at, &mut shared)
                                .iter()
                                .map(Composed::text)
                                .collect();
                        assert_eq!(fresh, reused);
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 24);
        // Rendered once per article and way of showing it, not per digest.
        assert!(shared.rendered.len() <= 12 * 8);
        // A digest rendered again holds no text of its own, its «N more»
        // lines included: the store keeps each piece once by its address.
        let selection = index.select(&filters[0], 2);
        let style = Style {
            lang: Lang::Ru,
            low_bandwidth: false,
            instant: false,
        };
        let layout = Layout::default();
        let [first, again] = [(), ()]
            .map(|_| render_with(&selection, &texts, &names, style, layout, at, &mut shared));
        assert!(first.iter().any(|m| m.text().contains("/latest")));
        let pieces = |ms: &[Composed]| -> Vec<Arc<str>> {
            ms.iter()
                .flat_map(|m| m.pieces.iter().map(|p| p.text.clone()))
                .collect()
        };
        let (first, again) = (pieces(&first), pieces(&again));
        assert_eq!(first.len(), again.len());
        // (Short pieces are written in place, not kept by address.)
        let own: Vec<&Arc<str>> = first
            .iter()
            .zip(&again)
            .filter(|(a, b)| a.len() >= 64 && !Arc::ptr_eq(a, b))
            .map(|(a, _)| a)
            .collect();
        assert!(own.is_empty(), "{own:?}");
    }

    /// Twelve stored articles over three topics and two regions, newest
    /// first, some of them copies of one story.
    fn candidates(now: i64) -> Vec<crate::store::Candidate> {
        use crate::store::Candidate;
        (0..12)
            .rev()
            .map(|i| Candidate {
                id: i + 1,
                story_id: if i % 4 == 3 { i } else { i + 1 },
                source_id: Some(i % 3 + 1),
                source_name: format!("Outlet {}", i % 3),
                official: i % 5 == 0,
                url: format!("https://outlet.kz/{i}"),
                title: format!("Новость {i} <о реформе>"),
                language: "ru".into(),
                ingested_at: now - 3600,
                published_at: Some(now - 7200 + i),
                topics: vec![(
                    ["education", "healthcare", "local_government"][i as usize % 3].into(),
                    0.5 + i as f32 / 100.0,
                    true,
                )],
                regions: vec![["almaty", "astana"][i as usize % 2].into()],
                people: vec![],
                quote: (i % 2 == 0)
                    .then(|| ("Сделаем к осени".into(), Some("Ерлан Кошанов".into()))),
                key_sentence: Some(format!("Главное в новости {i}.")),
            })
            .collect()
    }

    /// A story with no topic is "other news", after the topics, unless it
    /// is followed; it never shows under the followed header unfollowed.
    #[test]
    fn a_story_with_no_topic_is_other_news_unless_followed() {
        use crate::digest::select::{Filters, Index};
        let texts = Texts::embedded();
        let names = crate::summarize::Knowledge::embedded();
        let now = 1_764_000_000;
        let mut candidates = candidates(now);
        // Article 9, a story of its own.
        candidates[3].topics.clear();
        candidates[3].people = vec!["Ерлан Кошанов".into()];
        let hits = HashMap::from([("кошанов".to_string(), Vec::new())]);
        let index = Index::new(&candidates, &hits, now, 48 * 3600);
        let at = crate::digest::schedule::local(crate::digest::schedule::DEFAULT_TZ, now);
        let style = Style {
            lang: Lang::Ru,
            low_bandwidth: false,
            instant: false,
        };
        let groups = |f: &Filters| -> Vec<String> {
            index
                .select(f, 5)
                .groups
                .iter()
                .map(|g| g.topic.clone())
                .collect()
        };
        let plain = groups(&Filters::default());
        assert_eq!(plain.last().map(String::as_str), Some("other"), "{plain:?}");
        assert!(!plain.contains(&"followed".to_string()), "{plain:?}");
        let text = render_digest(
            &index.select(&Filters::default(), 5),
            &texts,
            &names,
            style,
            at,
        )
        .join("\n");
        assert!(text.contains("📌 <b>Другие новости</b>"), "{text}");
        assert!(!text.contains("Вы следите"), "{text}");
        let following = Filters {
            follows: vec!["Кошанов".into()],
            ..Filters::default()
        };
        let followed = groups(&following);
        assert_eq!(
            followed.first().map(String::as_str),
            Some("followed"),
            "{followed:?}"
        );
        assert!(!followed.contains(&"other".to_string()), "{followed:?}");
    }
}
