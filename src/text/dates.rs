//! Dates as Kazakh and Russian sites write them (TODO: extraction helper).

use chrono::{DateTime, FixedOffset};

/// Parses a date in RFC 3339/2822 or Russian/Kazakh words; UTC+5 when no zone.
pub fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text.trim())
        .or_else(|_| DateTime::parse_from_rfc2822(text.trim()))
        .ok()
}
