//! Telegram Bot API helpers the bot and the sender both use, so neither
//! reaches into the other.

use crate::config::redact_tokens;

/// At most this much of an answer Telegram (or a proxy) sent that could
/// not be read is shown.
const SHOWN_ANSWER_CHARS: usize = 300;

/// A Telegram error for a log line, an error message or the outbox, with
/// the token redacted: unreachable (no answer), an answer that could not be
/// read (shown, cut short), or what the Bot API said.
pub fn describe_telegram_error(e: &teloxide::RequestError) -> String {
    use teloxide::RequestError;
    match e {
        RequestError::InvalidJson { raw, .. } => {
            let flat: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut shown: String = flat.chars().take(SHOWN_ANSWER_CHARS).collect();
            if flat.chars().count() > SHOWN_ANSWER_CHARS {
                shown.push('…');
            }
            format!(
                "Telegram's answer could not be read: {}",
                redact_tokens(&shown)
            )
        }
        RequestError::Network(_) | RequestError::Io(_) => {
            format!("Telegram is unreachable: {}", redact_tokens(&e.to_string()))
        }
        other => redact_tokens(&other.to_string()),
    }
}
