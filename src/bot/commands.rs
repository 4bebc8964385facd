//! The bot's commands: who may run each, how long its arguments may be,
//! and the parser from a message text to a command with its arguments.
//! Pure: no Telegram, no store.

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; in a group, anyone may read.
    Everyone,
    /// Anyone in a private chat; in a group, only the chat's admins (it
    /// changes the chat's subscription).
    Settings,
    /// Moderators and owners.
    Moderator,
    /// Owners only.
    Owner,
}

/// Every command the bot knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    Start,
    Help,
    Language,
    Topics,
    Subscribe,
    Unsubscribe,
    Regions,
    Follow,
    Unfollow,
    Schedule,
    Digest,
    Latest,
    Search,
    Quotes,
    Why,
    Settings,
    Mute,
    Unmute,
    Exclude,
    Include,
    Quiet,
    Stop,
    DeleteMe,
    Channel,
    Sources,
    AddSource,
    PauseSource,
    ResumeSource,
    RemoveSource,
    Hide,
    Unhide,
    Retopic,
    AddKeywords,
    Broadcast,
    Stats,
    Ban,
    Unban,
    Mods,
    AddMod,
    RemoveMod,
    Audit,
}

/// One command's name, access and argument limit.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub cmd: Cmd,
    pub name: &'static str,
    pub access: Access,
    /// The longest argument string accepted, in characters.
    pub max_args: usize,
}

const fn spec(cmd: Cmd, name: &'static str, access: Access, max_args: usize) -> Spec {
    Spec {
        cmd,
        name,
        access,
        max_args,
    }
}

/// The commands in menu and help order.
pub const SPECS: &[Spec] = &[
    spec(Cmd::Start, "start", Access::Settings, 64),
    spec(Cmd::Help, "help", Access::Everyone, 64),
    spec(Cmd::Topics, "topics", Access::Settings, 0),
    spec(Cmd::Subscribe, "subscribe", Access::Settings, 400),
    spec(Cmd::Unsubscribe, "unsubscribe", Access::Settings, 400),
    spec(Cmd::Regions, "regions", Access::Settings, 400),
    spec(Cmd::Follow, "follow", Access::Settings, 64),
    spec(Cmd::Unfollow, "unfollow", Access::Settings, 64),
    spec(Cmd::Schedule, "schedule", Access::Settings, 40),
    spec(Cmd::Digest, "digest", Access::Settings, 0),
    spec(Cmd::Latest, "latest", Access::Everyone, 80),
    spec(Cmd::Search, "search", Access::Everyone, 120),
    spec(Cmd::Quotes, "quotes", Access::Everyone, 80),
    spec(Cmd::Why, "why", Access::Everyone, 8),
    spec(Cmd::Settings, "settings", Access::Everyone, 0),
    spec(Cmd::Mute, "mute", Access::Settings, 80),
    spec(Cmd::Unmute, "unmute", Access::Settings, 80),
    spec(Cmd::Exclude, "exclude", Access::Settings, 64),
    spec(Cmd::Include, "include", Access::Settings, 64),
    spec(Cmd::Quiet, "quiet", Access::Settings, 16),
    spec(Cmd::Language, "language", Access::Settings, 16),
    spec(Cmd::Stop, "stop", Access::Settings, 0),
    spec(Cmd::DeleteMe, "delete_me", Access::Settings, 0),
    spec(Cmd::Channel, "channel", Access::Moderator, 400),
    spec(Cmd::Sources, "sources", Access::Moderator, 0),
    spec(Cmd::AddSource, "addsource", Access::Moderator, 600),
    spec(Cmd::PauseSource, "pausesource", Access::Moderator, 20),
    spec(Cmd::ResumeSource, "resumesource", Access::Moderator, 20),
    spec(Cmd::RemoveSource, "removesource", Access::Moderator, 20),
    spec(Cmd::Hide, "hide", Access::Moderator, 600),
    spec(Cmd::Unhide, "unhide", Access::Moderator, 600),
    spec(Cmd::Retopic, "retopic", Access::Moderator, 600),
    spec(Cmd::AddKeywords, "addkeywords", Access::Moderator, 600),
    spec(Cmd::Broadcast, "broadcast", Access::Moderator, 3500),
    spec(Cmd::Stats, "stats", Access::Moderator, 0),
    spec(Cmd::Ban, "ban", Access::Moderator, 40),
    spec(Cmd::Unban, "unban", Access::Moderator, 40),
    spec(Cmd::Audit, "audit", Access::Moderator, 8),
    spec(Cmd::Mods, "mods", Access::Owner, 0),
    spec(Cmd::AddMod, "addmod", Access::Owner, 40),
    spec(Cmd::RemoveMod, "removemod", Access::Owner, 40),
];

impl Cmd {
    pub fn spec(self) -> &'static Spec {
        SPECS.iter().find(|s| s.cmd == self).unwrap_or(&SPECS[0])
    }
    pub fn name(self) -> &'static str {
        self.spec().name
    }
    pub fn access(self) -> Access {
        self.spec().access
    }
    /// Staff only (moderators or owners).
    pub fn is_staff(self) -> bool {
        matches!(self.access(), Access::Moderator | Access::Owner)
    }
}

/// A command addressed to this bot, with its (trimmed) arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub cmd: Cmd,
    pub args: String,
}

/// Why a text is not a runnable command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Plain text, not a command.
    NotACommand,
    /// `/cmd@other_bot`: someone else's command; stay silent.
    OtherBot,
    /// A command this bot does not know; `addressed` when it named this bot.
    Unknown { name: String, addressed: bool },
    /// The arguments are longer than the command accepts.
    TooLong { cmd: Cmd, max: usize },
}

/// Parses `/name[@bot] args…`. `bot_username` is this bot's username
/// (without `@`); the match is case-insensitive.
pub fn parse(text: &str, bot_username: &str) -> Result<Invocation, ParseError> {
    let text = text.trim_start();
    let Some(rest) = text.strip_prefix('/') else {
        return Err(ParseError::NotACommand);
    };
    let (head, args) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    if head.is_empty() {
        return Err(ParseError::NotACommand);
    }
    let (name, addressed) = match head.split_once('@') {
        Some((name, bot)) => {
            if !bot.eq_ignore_ascii_case(bot_username) {
                return Err(ParseError::OtherBot);
            }
            (name, true)
        }
        None => (head, false),
    };
    let lower = name.to_lowercase();
    let Some(spec) = SPECS.iter().find(|s| s.name == lower) else {
        return Err(ParseError::Unknown {
            name: name.chars().take(32).collect(),
            addressed,
        });
    };
    if args.chars().count() > spec.max_args {
        return Err(ParseError::TooLong {
            cmd: spec.cmd,
            max: spec.max_args,
        });
    }
    Ok(Invocation {
        cmd: spec.cmd,
        args: args.to_string(),
    })
}

/// A phrase argument (a person to follow, a source, a word): single spaces,
/// no quote marks around it.
pub fn clean_phrase(args: &str) -> String {
    args.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| matches!(c, '"' | '«' | '»' | '“' | '”' | '\''))
        .to_string()
}

/// Splits a list argument at commas or whitespace: `education, healthcare`.
/// Multi-word names are tried whole first by the caller.
pub fn split_list(args: &str) -> Vec<&str> {
    args.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Resolves a list of names (ids or names in any language, several words
/// each) with `resolve`: pieces between commas, and within a piece the
/// longest run of words that names something. Returns the ids found, in
/// order and without repeats, and the words that named nothing.
pub fn resolve_list<'k>(
    args: &str,
    resolve: impl Fn(&str) -> Option<&'k str>,
) -> (Vec<&'k str>, Vec<String>) {
    let mut found: Vec<&'k str> = Vec::new();
    let mut unknown = Vec::new();
    for piece in split_list(args) {
        let words: Vec<&str> = piece.split_whitespace().collect();
        let mut i = 0;
        while i < words.len() {
            let hit = (i + 1..=words.len())
                .rev()
                .find_map(|j| resolve(&words[i..j].join(" ")).map(|id| (id, j)));
            match hit {
                Some((id, j)) => {
                    if !found.contains(&id) {
                        found.push(id);
                    }
                    i = j;
                }
                None => {
                    unknown.push(words[i].to_string());
                    i += 1;
                }
            }
        }
    }
    (found, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_with_and_without_bot_name() {
        assert_eq!(
            parse("/subscribe education", "CivicBot"),
            Ok(Invocation {
                cmd: Cmd::Subscribe,
                args: "education".into()
            })
        );
        assert_eq!(
            parse("/Help@civicbot", "CivicBot").map(|i| i.cmd),
            Ok(Cmd::Help)
        );
        assert_eq!(parse("/delete_me", "b").map(|i| i.cmd), Ok(Cmd::DeleteMe));
        assert_eq!(
            parse("/start@other_bot", "CivicBot"),
            Err(ParseError::OtherBot)
        );
        assert_eq!(parse("hello", "b"), Err(ParseError::NotACommand));
        assert_eq!(parse("/ ", "b"), Err(ParseError::NotACommand));
        assert_eq!(
            parse("/frobnicate now", "b"),
            Err(ParseError::Unknown {
                name: "frobnicate".into(),
                addressed: false
            })
        );
    }

    #[test]
    fn arguments_are_trimmed_and_capped() {
        let inv = parse("/follow   Кошанов  \n", "b").unwrap();
        assert_eq!(inv.args, "Кошанов");
        let long = format!("/follow {}", "я".repeat(65));
        assert_eq!(
            parse(&long, "b"),
            Err(ParseError::TooLong {
                cmd: Cmd::Follow,
                max: 64
            })
        );
        // the cap counts characters, not bytes
        assert!(parse(&format!("/follow {}", "я".repeat(64)), "b").is_ok());
    }

    #[test]
    fn every_command_has_a_spec_and_a_valid_menu_name() {
        for s in SPECS {
            assert_eq!(s.cmd.name(), s.name);
            assert!(
                s.name.len() <= 32
                    && s.name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                s.name
            );
        }
        assert!(Cmd::Stats.is_staff() && Cmd::AddMod.is_staff());
        assert!(!Cmd::Topics.is_staff());
    }

    #[test]
    fn lists_split_at_commas() {
        assert_eq!(
            split_list("education, Білім беру;healthcare"),
            vec!["education", "Білім беру", "healthcare"]
        );
        assert!(split_list(" , ").is_empty());
    }

    #[test]
    fn lists_resolve_multi_word_names() {
        let resolve = |q: &str| match q.to_lowercase().as_str() {
            "education" | "білім беру" => Some("education"),
            "healthcare" | "здравоохранение" => Some("healthcare"),
            _ => None,
        };
        let (ids, unknown) = resolve_list("Білім беру healthcare, xyz education", resolve);
        assert_eq!(ids, vec!["education", "healthcare"]);
        assert_eq!(unknown, vec!["xyz"]);
    }
}
