//! Callback data of inline buttons: compact, at most 64 bytes, and parsed
//! strictly. What a callback claims is never trusted: the handler checks
//! the topic exists, the user's role, the broadcast's state.

use crate::text::Lang;

/// Telegram's limit on `callback_data`.
pub const MAX_CALLBACK_BYTES: usize = 64;

/// What an inline button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// `t:education`: toggle a topic.
    Topic(String),
    /// `r:akmola`: toggle a region.
    Region(String),
    /// `r:*`: all of Kazakhstan (clear the regions).
    AllRegions,
    /// `l:kk`: the bot's language.
    Language(Lang),
    /// `bc:ok:17` / `bc:no:17`: confirm or cancel a broadcast draft.
    Broadcast { id: i64, confirm: bool },
    /// `del:ok` / `del:no`: erase my data, or not.
    DeleteMe { confirm: bool },
    /// `lt:education`: the latest stories on a topic.
    Latest(String),
    /// `mh:128`: a moderator hides an article.
    HideArticle(i64),
    /// `mt:128`: a moderator opens the topics of an article.
    ArticleTopics(i64),
    /// `ma:128:education`: a moderator toggles a topic of an article.
    ArticleTopic { id: i64, topic: String },
    /// `lay:full` / `lay:compact`: how digests read.
    Layout(crate::store::Layout),
    /// `pg:17`: the next page of a digest (see `store::pages`).
    MorePage(i64),
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A positive article id.
fn article_id(s: &str) -> Option<i64> {
    s.parse().ok().filter(|n| *n > 0)
}

impl Callback {
    pub fn encode(&self) -> String {
        match self {
            Callback::Topic(id) => format!("t:{id}"),
            Callback::Region(id) => format!("r:{id}"),
            Callback::AllRegions => "r:*".to_string(),
            Callback::Language(l) => format!("l:{}", l.code()),
            Callback::Broadcast { id, confirm } => {
                format!("bc:{}:{id}", if *confirm { "ok" } else { "no" })
            }
            Callback::DeleteMe { confirm } => {
                format!("del:{}", if *confirm { "ok" } else { "no" })
            }
            Callback::Latest(id) => format!("lt:{id}"),
            Callback::HideArticle(id) => format!("mh:{id}"),
            Callback::ArticleTopics(id) => format!("mt:{id}"),
            Callback::ArticleTopic { id, topic } => format!("ma:{id}:{topic}"),
            Callback::Layout(l) => format!("lay:{}", l.as_str()),
            Callback::MorePage(id) => crate::store::more_data(*id),
        }
    }

    /// Parses callback data; `None` for anything malformed.
    pub fn decode(data: &str) -> Option<Callback> {
        if data.len() > MAX_CALLBACK_BYTES {
            return None;
        }
        let (kind, rest) = data.split_once(':')?;
        match kind {
            "t" if is_id(rest) => Some(Callback::Topic(rest.to_string())),
            "r" if rest == "*" => Some(Callback::AllRegions),
            "r" if is_id(rest) => Some(Callback::Region(rest.to_string())),
            "l" => match rest {
                "ru" => Some(Callback::Language(Lang::Ru)),
                "kk" => Some(Callback::Language(Lang::Kk)),
                "en" => Some(Callback::Language(Lang::En)),
                _ => None,
            },
            "bc" => {
                let (verb, id) = rest.split_once(':')?;
                let id: i64 = id.parse().ok().filter(|n| *n > 0)?;
                match verb {
                    "ok" => Some(Callback::Broadcast { id, confirm: true }),
                    "no" => Some(Callback::Broadcast { id, confirm: false }),
                    _ => None,
                }
            }
            "del" => match rest {
                "ok" => Some(Callback::DeleteMe { confirm: true }),
                "no" => Some(Callback::DeleteMe { confirm: false }),
                _ => None,
            },
            "lt" if is_id(rest) => Some(Callback::Latest(rest.to_string())),
            "mh" => article_id(rest).map(Callback::HideArticle),
            "lay" => crate::store::Layout::parse(rest).map(Callback::Layout),
            "pg" => article_id(rest).map(Callback::MorePage),
            "mt" => article_id(rest).map(Callback::ArticleTopics),
            "ma" => {
                let (id, topic) = rest.split_once(':')?;
                let id = article_id(id)?;
                is_id(topic).then(|| Callback::ArticleTopic {
                    id,
                    topic: topic.to_string(),
                })
            }
            _ => None,
        }
    }

    /// Only moderators may press it.
    pub fn is_staff(&self) -> bool {
        matches!(
            self,
            Callback::Broadcast { .. }
                | Callback::HideArticle(_)
                | Callback::ArticleTopics(_)
                | Callback::ArticleTopic { .. }
        )
    }

    /// It changes the chat's subscription (group admins only).
    pub fn changes_settings(&self) -> bool {
        !self.is_staff() && !matches!(self, Callback::Latest(_) | Callback::MorePage(_))
    }

    /// A short name for the audit trail.
    pub fn action(&self) -> &'static str {
        match self {
            Callback::Topic(_) => "topic",
            Callback::Region(_) | Callback::AllRegions => "region",
            Callback::Language(_) => "language",
            Callback::Broadcast { confirm: true, .. } => "broadcast_confirm",
            Callback::Broadcast { confirm: false, .. } => "broadcast_cancel",
            Callback::DeleteMe { .. } => "delete_me",
            Callback::Latest(_) => "latest",
            Callback::HideArticle(_) => "hide",
            Callback::ArticleTopics(_) | Callback::ArticleTopic { .. } => "retopic",
            Callback::Layout(_) => "layout",
            Callback::MorePage(_) => "more",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_short() {
        let all = [
            Callback::Topic("sovereignty_security".into()),
            Callback::Region("north_kazakhstan".into()),
            Callback::AllRegions,
            Callback::Language(Lang::Kk),
            Callback::Broadcast {
                id: i64::MAX,
                confirm: true,
            },
            Callback::Broadcast {
                id: 17,
                confirm: false,
            },
            Callback::DeleteMe { confirm: true },
            Callback::DeleteMe { confirm: false },
            Callback::Latest("rural_development".into()),
            Callback::HideArticle(i64::MAX),
            Callback::ArticleTopics(128),
            Callback::ArticleTopic {
                id: i64::MAX,
                topic: "sovereignty_security".into(),
            },
            Callback::Layout(crate::store::Layout::Compact),
            Callback::Layout(crate::store::Layout::Full),
            Callback::MorePage(i64::MAX),
        ];
        for c in all {
            let data = c.encode();
            assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
            assert_eq!(Callback::decode(&data), Some(c));
        }
        assert_eq!(Callback::Topic("education".into()).encode(), "t:education");
        assert_eq!(
            Callback::Broadcast {
                id: 17,
                confirm: true
            }
            .encode(),
            "bc:ok:17"
        );
    }

    #[test]
    fn malformed_data_is_refused() {
        for bad in [
            "",
            "t:",
            "t:Education",
            "t:a b",
            "r:<script>",
            "l:de",
            "bc:ok:",
            "bc:ok:-3",
            "bc:ok:0",
            "bc:yes:5",
            "bc:ok:99999999999999999999",
            "del:maybe",
            "mh:0",
            "mh:x",
            "ma:5",
            "ma:5:Bad",
            "lt:",
            "lay:tiny",
            "pg:0",
            "pg:-1",
            "x:1",
            "noseparator",
        ] {
            assert_eq!(Callback::decode(bad), None, "{bad}");
        }
        let long = format!("t:{}", "a".repeat(70));
        assert_eq!(Callback::decode(&long), None);
    }

    #[test]
    fn staff_callbacks_are_marked() {
        assert!(
            Callback::Broadcast {
                id: 1,
                confirm: true
            }
            .is_staff()
        );
        assert!(!Callback::Topic("education".into()).is_staff());
    }
}
