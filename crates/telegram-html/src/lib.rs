//! Telegram's HTML parse mode: the tags and character entities it accepts,
//! the plain text the user sees and the entities Telegram returns, and the
//! errors it answers for malformed markup (`can't parse entities: …`).
//! The fake Telegram of the sandbox and the bot's plain-text view of its
//! own messages both read messages with it.
//!
//! One deliberate difference: Telegram keeps a bare `&` that does not start
//! a known entity as text; the sandbox rejects it, so a renderer that forgets
//! to escape `&` fails in tests instead of in front of a subscriber.

use serde_json::{Value, json};

/// What an entity means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntityKind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Code,
    Pre { language: Option<String> },
    TextLink { url: String },
    Blockquote,
    ExpandableBlockquote,
    CustomEmoji { id: String },
    BotCommand,
}

/// An entity over `text[start..end]` (byte offsets in the parsed text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    pub kind: EntityKind,
    pub start: usize,
    pub end: usize,
}

/// A message body after entity parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub text: String,
    pub entities: Vec<Entity>,
}

/// Length of a string in UTF-16 code units, as Telegram counts.
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

impl Parsed {
    /// Plain text without entities.
    pub fn plain(text: &str) -> Parsed {
        Parsed {
            text: text.to_string(),
            entities: Vec::new(),
        }
    }

    /// The entities as Telegram serialises them (UTF-16 offsets).
    pub fn entities_json(&self) -> Vec<Value> {
        self.entities
            .iter()
            .filter(|e| e.end > e.start && e.end <= self.text.len())
            .filter_map(|e| {
                let offset = utf16_len(self.text.get(..e.start)?);
                let length = utf16_len(self.text.get(e.start..e.end)?);
                let mut v = match &e.kind {
                    EntityKind::Bold => json!({"type": "bold"}),
                    EntityKind::Italic => json!({"type": "italic"}),
                    EntityKind::Underline => json!({"type": "underline"}),
                    EntityKind::Strikethrough => json!({"type": "strikethrough"}),
                    EntityKind::Spoiler => json!({"type": "spoiler"}),
                    EntityKind::Code => json!({"type": "code"}),
                    EntityKind::Pre { language: None } => json!({"type": "pre"}),
                    EntityKind::Pre {
                        language: Some(language),
                    } => json!({"type": "pre", "language": language}),
                    EntityKind::TextLink { url } => json!({"type": "text_link", "url": url}),
                    EntityKind::Blockquote => json!({"type": "blockquote"}),
                    EntityKind::ExpandableBlockquote => json!({"type": "expandable_blockquote"}),
                    EntityKind::CustomEmoji { id } => {
                        json!({"type": "custom_emoji", "custom_emoji_id": id})
                    }
                    EntityKind::BotCommand => json!({"type": "bot_command"}),
                };
                v["offset"] = json!(offset);
                v["length"] = json!(length);
                Some(v)
            })
            .collect()
    }

    /// The text as a person reads it, links shown as `text (url)`.
    pub fn readable(&self) -> String {
        let mut links: Vec<(usize, &str, &str)> = self
            .entities
            .iter()
            .filter_map(|e| match &e.kind {
                EntityKind::TextLink { url } => {
                    Some((e.end, url.as_str(), self.text.get(e.start..e.end)?))
                }
                _ => None,
            })
            .collect();
        links.sort_by_key(|l| std::cmp::Reverse(l.0));
        let mut out = self.text.clone();
        for (end, url, label) in links {
            if label.trim() != url && out.is_char_boundary(end) {
                out.insert_str(end, &format!(" ({url})"));
            }
        }
        out
    }
}

struct Open {
    tag: String,
    kind: Option<EntityKind>,
    start: usize,
}

/// Parses an HTML-mode message body. The error is what follows
/// `Bad Request: can't parse entities: ` in Telegram's answer.
pub fn parse_html(src: &str) -> Result<Parsed, String> {
    let bytes = src.as_bytes();
    let mut text = String::with_capacity(src.len());
    let mut stack: Vec<Open> = Vec::new();
    let mut entities = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'&' => {
                let Some((ch, len)) = decode_entity(&src[i..]) else {
                    return Err(format!(
                        "Unsupported HTML entity at byte offset {i}: escape \"&\" as \"&amp;\""
                    ));
                };
                text.push(ch);
                i += len;
            }
            b'<' if bytes.get(i + 1) == Some(&b'/') => {
                let begin = i;
                let Some(close) = src[i..].find('>').map(|p| p + i) else {
                    return Err(format!("Unclosed end tag at byte offset {begin}"));
                };
                let name = src[i + 2..close].trim().to_ascii_lowercase();
                let Some(open) = stack.pop() else {
                    return Err(format!("Unexpected end tag at byte offset {begin}"));
                };
                if !name.is_empty() && name != open.tag {
                    return Err(format!(
                        "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{name}>\"",
                        open.tag
                    ));
                }
                if let Some(kind) = open.kind
                    && text.len() > open.start
                {
                    entities.push(Entity {
                        kind,
                        start: open.start,
                        end: text.len(),
                    });
                }
                i = close + 1;
            }
            b'<' => {
                let begin = i;
                let close = find_tag_end(bytes, i + 1)
                    .ok_or_else(|| format!("Unclosed start tag at byte offset {begin}"))?;
                let inner = &src[i + 1..close];
                let name_end = inner
                    .find(|c: char| c.is_whitespace() || c == '/')
                    .unwrap_or(inner.len());
                let tag = inner[..name_end].to_ascii_lowercase();
                let attrs = parse_attributes(&inner[name_end..]);
                let attr = |key: &str| {
                    attrs
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.as_str())
                };
                let kind = match tag.as_str() {
                    "b" | "strong" => Some(EntityKind::Bold),
                    "i" | "em" => Some(EntityKind::Italic),
                    "u" | "ins" => Some(EntityKind::Underline),
                    "s" | "strike" | "del" => Some(EntityKind::Strikethrough),
                    "tg-spoiler" => Some(EntityKind::Spoiler),
                    "span" => {
                        if attr("class") != Some("tg-spoiler") {
                            return Err(format!(
                                "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
                            ));
                        }
                        Some(EntityKind::Spoiler)
                    }
                    "a" => attr("href")
                        .and_then(normalize_url)
                        .map(|url| EntityKind::TextLink { url }),
                    "pre" => Some(EntityKind::Pre { language: None }),
                    "code" => {
                        let language = attr("class")
                            .and_then(|c| c.strip_prefix("language-"))
                            .map(str::to_string);
                        match stack.last_mut() {
                            Some(Open {
                                kind: Some(EntityKind::Pre { language: pre_lang }),
                                start,
                                ..
                            }) if *start == text.len() => {
                                if pre_lang.is_none() {
                                    *pre_lang = language;
                                }
                                None
                            }
                            _ => Some(EntityKind::Code),
                        }
                    }
                    "blockquote" => Some(if attrs.iter().any(|(k, _)| k == "expandable") {
                        EntityKind::ExpandableBlockquote
                    } else {
                        EntityKind::Blockquote
                    }),
                    "tg-emoji" => match attr("emoji-id") {
                        Some(id) if !id.is_empty() => {
                            Some(EntityKind::CustomEmoji { id: id.into() })
                        }
                        _ => {
                            return Err(format!(
                                "Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset {begin}"
                            ));
                        }
                    },
                    _ => {
                        return Err(format!(
                            "Unsupported start tag \"{tag}\" at byte offset {begin}"
                        ));
                    }
                };
                stack.push(Open {
                    tag,
                    kind,
                    start: text.len(),
                });
                i = close + 1;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('\u{fffd}');
                text.push(ch);
                i += ch.len_utf8().max(1);
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.tag
        ));
    }
    entities.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    Ok(Parsed { text, entities })
}

/// A link target as Telegram keeps it: an absolute URL, `http://` added to
/// a bare host; anything else makes no link (the text stays).
fn normalize_url(href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let parsed = match url::Url::parse(href) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "tg" | "mailto") => u,
        Ok(_) => return None,
        Err(_) => url::Url::parse(&format!("http://{href}")).ok()?,
    };
    Some(parsed.to_string())
}

/// The index of the `>` that ends a start tag, skipping quoted values.
fn find_tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (j, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(j),
            None if b == b'<' => return None,
            None => {}
        }
    }
    None
}

/// `name`, `name=value`, `name="value"`, `name='value'`; values decoded.
fn parse_attributes(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_lossy(raw);
            rest = remaining;
        }
        if !name.is_empty() {
            out.push((name, value));
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    out
}

/// Decodes the entities in an attribute value, keeping anything unknown.
fn decode_lossy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s.as_bytes()[i] == b'&'
            && let Some((ch, len)) = decode_entity(&s[i..])
        {
            out.push(ch);
            i += len;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

/// The named character references Telegram's HTML mode accepts.
pub const TELEGRAM_NAMED: &[(&str, char)] =
    &[("lt", '<'), ("gt", '>'), ("amp", '&'), ("quot", '"')];

/// `&lt;` `&gt;` `&amp;` `&quot;` `&#NN;` `&#xHH;` at the start of `s`:
/// the character and the length consumed.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    decode_reference(s, TELEGRAM_NAMED)
}

/// The character reference at the start of `s` (`&name;` with a name from
/// `named`, or `&#NN;` / `&#xHH;` of a character other than NUL): the
/// character and the length consumed.
pub fn decode_reference(s: &str, named: &[(&str, char)]) -> Option<(char, usize)> {
    let rest = s.strip_prefix('&')?;
    let semi = rest.bytes().take(11).position(|b| b == b';')?;
    let name = &rest[..semi];
    let ch = match named.iter().find(|(n, _)| *n == name) {
        Some(&(_, ch)) => ch,
        None => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse::<u32>().ok()?,
            };
            if code == 0 {
                return None;
            }
            char::from_u32(code)?
        }
    };
    Some((ch, semi + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_entities_with_utf16_offsets() {
        let p = parse_html("Сәлем <b>жаңа</b> 👋 <a href=\"https://x.kz/a?b=1&amp;c=2\">link</a>")
            .expect("valid");
        assert_eq!(p.text, "Сәлем жаңа 👋 link");
        let e = p.entities_json();
        assert_eq!(e[0]["type"], "bold");
        assert_eq!(e[0]["offset"], 6);
        assert_eq!(e[0]["length"], 4);
        assert_eq!(e[1]["type"], "text_link");
        assert_eq!(e[1]["url"], "https://x.kz/a?b=1&c=2");
        // "👋" is two UTF-16 units.
        assert_eq!(e[1]["offset"], 14);
        assert_eq!(p.readable(), "Сәлем жаңа 👋 link (https://x.kz/a?b=1&c=2)");
    }

    #[test]
    fn entities_decode() {
        let p = parse_html("a &lt;b&gt; &amp; &quot;q&quot; &#1178; &#x49A;").expect("valid");
        assert_eq!(p.text, "a <b> & \"q\" Қ Қ");
    }

    #[test]
    fn all_allowed_tags_parse() {
        let src = "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins>\
                   <s>s</s><strike>k</strike><del>d</del><code>c</code>\
                   <pre><code class=\"language-rust\">fn</code></pre>\
                   <span class=\"tg-spoiler\">x</span><tg-spoiler>y</tg-spoiler>\
                   <blockquote>q</blockquote><blockquote expandable>w</blockquote>\
                   <tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>";
        let p = parse_html(src).expect("valid");
        let kinds: Vec<_> = p.entities.iter().map(|e| e.kind.clone()).collect();
        assert!(kinds.contains(&EntityKind::Pre {
            language: Some("rust".into())
        }));
        assert!(kinds.contains(&EntityKind::ExpandableBlockquote));
        assert!(kinds.contains(&EntityKind::Spoiler));
        assert_eq!(p.entities.len(), 16);
    }

    #[test]
    fn malformed_markup_is_rejected() {
        for bad in [
            "<b>open",
            "<b><i>x</b></i>",
            "</b>",
            "<p>para</p>",
            "a < b",
            "AT&T",
            "<span>x</span>",
            "<a href=\"x\"",
            "<tg-emoji>x</tg-emoji>",
        ] {
            assert!(parse_html(bad).is_err(), "{bad:?} should be rejected");
        }
        let e = parse_html("<b><i>x</b></i>").expect_err("misnested");
        assert!(e.contains("Unmatched end tag"), "{e}");
        let e = parse_html("<p>x</p>").expect_err("unknown");
        assert_eq!(e, "Unsupported start tag \"p\" at byte offset 0");
    }

    #[test]
    fn link_targets_are_normalised_or_dropped() {
        let p = parse_html("<a href=\"example.kz/news\">a</a> <a href=\"javascript:x()\">b</a>")
            .expect("valid");
        assert_eq!(
            p.entities,
            vec![Entity {
                kind: EntityKind::TextLink {
                    url: "http://example.kz/news".into()
                },
                start: 0,
                end: 1
            }]
        );
    }

    #[test]
    fn bare_greater_than_and_anchor_without_href_are_text() {
        let p = parse_html("5 > 3 <a>plain</a>").expect("valid");
        assert_eq!(p.text, "5 > 3 plain");
        assert!(p.entities.is_empty());
    }
}
