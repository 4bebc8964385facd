//! Dates as Kazakh, Russian and English sites write them.
//!
//! Machine formats (RFC 3339, RFC 2822, ISO 8601 variants) and the human ones
//! news pages print: `29.11.2025 13:11`, «29 ноября 2025 г., 13:11»,
//! «15 Август 2025», «2025 жылғы 15 тамызда», "November 29, 2025 1:11 PM".
//! A date without a zone is read in Kazakhstan time, `Asia/Almaty` from the
//! tz database: UTC+6 until 1 March 2024, UTC+5 since.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use regex::Regex;

/// Kazakhstan's time zone, the one place it is named: dates without a zone,
/// the dates digests show and the default zone of subscribers.
pub const KAZAKHSTAN: Tz = chrono_tz::Asia::Almaty;

/// A wall-clock time in Kazakhstan, with the offset it had on that day
/// (the earlier reading of the hour repeated on 29 February 2024).
pub fn kazakhstan_local(local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    KAZAKHSTAN
        .from_local_datetime(&local)
        .earliest()
        .map(|d| d.fixed_offset())
}

/// An instant as Kazakhstan's clocks showed it.
pub fn in_kazakhstan(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&KAZAKHSTAN).fixed_offset()
}

/// Parses one date string; Kazakhstan time when it names no zone.
pub fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    if t.is_empty() || t.len() > 200 {
        return find_date(t.get(..200.min(t.len())).unwrap_or(""));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(t) {
        return Some(d);
    }
    find_date(t)
}

/// Finds the first plausible date (with its time, if written next to it)
/// inside longer text.
pub fn find_date(text: &str) -> Option<DateTime<FixedOffset>> {
    // Every form holds a four-digit year; most text has none, and this
    // check runs on a DFA where the captures below would not.
    if !YEAR.is_match(text) {
        return None;
    }
    let mut best: Option<(usize, DateTime<FixedOffset>)> = None;
    let mut consider = |pos: usize, d: Option<DateTime<FixedOffset>>| {
        if let Some(d) = d
            && best.as_ref().is_none_or(|(p, _)| pos < *p)
        {
            best = Some((pos, d));
        }
    };
    for c in ISO.captures_iter(text) {
        let d = from_iso(&c);
        if d.is_some() {
            consider(c.get(0).map_or(0, |m| m.start()), d);
            break;
        }
    }
    for c in NUMERIC.captures_iter(text) {
        let d = build(num(&c, "y"), num(&c, "m"), num(&c, "d"), &c);
        if d.is_some() {
            consider(c.get(0).map_or(0, |m| m.start()), d);
            break;
        }
    }
    for re in [&*DAY_MONTH_YEAR, &*YEAR_DAY_MONTH, &*MONTH_DAY_YEAR] {
        for c in re.captures_iter(text) {
            let month = c.name("mon").and_then(|m| month_number(m.as_str()));
            let d = month.and_then(|m| build(num(&c, "y"), Some(m), num(&c, "d"), &c));
            if d.is_some() {
                consider(c.get(0).map_or(0, |m| m.start()), d);
                break;
            }
        }
    }
    best.map(|(_, d)| d)
}

const TIME: &str = r"(?:[,\s]*(?:в|at|сағат|сағ\.?)?\s*(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?(?:\s*(?P<tz>[+-]\d{2}:?\d{2}|UTC|GMT|Z))?)?";

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}").expect("year regex"));

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?P<y>(?:19|20)\d{2})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?",
    )
    .expect("ISO date regex")
});

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>(?:19|20)\d{{2}})(?-u:\b)(?:\s*г\.?)?{TIME}"
    ))
    .expect("numeric date regex")
});

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?P<d>\d{{1,2}})(?:-?(?:го|ші|шы|th|st|nd|rd))?\s+(?P<mon>\p{{L}}{{3,12}})\.?,?\s+(?P<y>(?:19|20)\d{{2}})(?:\s*(?:г\.|года|год|г|ж\.|жылы|жыл))?{TIME}"
    ))
    .expect("day month year regex")
});

static YEAR_DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?P<y>(?:19|20)\d{{2}})\s*(?:жылғы|жылы|ж\.)\s+(?P<d>\d{{1,2}})(?:-ші|-шы)?\s+(?P<mon>\p{{L}}{{3,16}}){TIME}"
    ))
    .expect("year day month regex")
});

static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?P<mon>[A-Za-z]{{3,9}})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}}){TIME}"
    ))
    .expect("month day year regex")
});

fn num(c: &regex::Captures<'_>, name: &str) -> Option<u32> {
    c.name(name).and_then(|m| m.as_str().parse().ok())
}

fn from_iso(c: &regex::Captures<'_>) -> Option<DateTime<FixedOffset>> {
    build(num(c, "y"), num(c, "m"), num(c, "d"), c)
}

fn build(
    y: Option<u32>,
    m: Option<u32>,
    d: Option<u32>,
    c: &regex::Captures<'_>,
) -> Option<DateTime<FixedOffset>> {
    let date = NaiveDate::from_ymd_opt(i32::try_from(y?).ok()?, m?, d?)?;
    let mut hour = num(c, "H").unwrap_or(0);
    let minute = num(c, "M").unwrap_or(0);
    let second = num(c, "S").unwrap_or(0);
    if let Some(ampm) = c.name("ampm") {
        let pm = ampm.as_str().to_ascii_lowercase().starts_with('p');
        if hour > 12 {
            return None;
        }
        hour = match (pm, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)
        .or_else(|| NaiveTime::from_hms_opt(0, 0, 0))?;
    let local = NaiveDateTime::new(date, time);
    match c.name("tz") {
        Some(t) => parse_zone(t.as_str())?.from_local_datetime(&local).single(),
        None => kazakhstan_local(local),
    }
}

fn parse_zone(z: &str) -> Option<FixedOffset> {
    match z {
        "Z" | "UTC" | "GMT" => return FixedOffset::east_opt(0),
        _ => {}
    }
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits: String = z.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let h: i32 = digits.get(..2)?.parse().ok()?;
    let m: i32 = digits.get(2..)?.parse().ok()?;
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[derive(Default, serde::Deserialize)]
struct MonthFile {
    #[serde(default)]
    months: Vec<MonthStem>,
    #[serde(default)]
    english_months: Vec<String>,
}

#[derive(serde::Deserialize)]
struct MonthStem {
    stem: String,
    month: u32,
}

struct Months {
    /// Russian then Kazakh stems, in the files' order.
    stems: Vec<(String, u32)>,
    english: Vec<String>,
}

/// The month words of data/lexicon/{ru,kk,en}.toml (`months`,
/// `english_months`).
static MONTHS: std::sync::LazyLock<Months> = std::sync::LazyLock::new(|| {
    let mut out = Months {
        stems: Vec::new(),
        english: Vec::new(),
    };
    for (file, text) in [
        ("ru", include_str!("../../data/lexicon/ru.toml")),
        ("kk", include_str!("../../data/lexicon/kk.toml")),
        ("en", include_str!("../../data/lexicon/en.toml")),
    ] {
        let f: MonthFile = toml::from_str(text).unwrap_or_else(|e| {
            log::error!("text: lexicon/{file}.toml is not valid: {e}");
            MonthFile::default()
        });
        out.stems
            .extend(f.months.into_iter().map(|m| (m.stem, m.month)));
        out.english.extend(f.english_months);
    }
    out
});

/// Month number of a Russian, Kazakh or English month word in any case and
/// inflection («ноября», «Август», «тамызда», «қаңтардағы», "Nov").
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let months = &*MONTHS;
    for (stem, n) in &months.stems {
        if w.starts_with(stem.as_str()) {
            // «март» must not swallow «мартен»; Kazakh/Russian suffixes are short.
            if w.chars().count() <= stem.chars().count() + 5 {
                return Some(*n);
            }
        }
    }
    for (i, name) in months.english.iter().enumerate() {
        let n = u32::try_from(i + 1).ok()?;
        if w == *name || (w.len() >= 3 && name.starts_with(&w)) || (w == "sept") {
            return Some(if w == "sept" { 9 } else { n });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> String {
        parse_date(s).map(|d| d.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn machine_formats() {
        assert_eq!(at("2025-11-29T13:11:00+05:00"), "2025-11-29T13:11:00+05:00");
        assert_eq!(at("2025-11-29T08:11:00Z"), "2025-11-29T08:11:00+00:00");
        assert_eq!(
            at("Sat, 29 Nov 2025 13:11:00 +0500"),
            "2025-11-29T13:11:00+05:00"
        );
        assert_eq!(at("2025-11-29"), "2025-11-29T00:00:00+05:00");
        assert_eq!(at("2025-11-29 13:11:05"), "2025-11-29T13:11:05+05:00");
        assert_eq!(
            at("2025-11-29T13:11:00.123+0300"),
            "2025-11-29T13:11:00+03:00"
        );
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(at("29.11.2025 13:11"), "2025-11-29T13:11:00+05:00");
        assert_eq!(at("29.11.2025"), "2025-11-29T00:00:00+05:00");
        assert_eq!(at("31.02.2025"), "");
    }

    #[test]
    fn russian_months_any_case() {
        assert_eq!(at("29 Ноября 2025 13:11"), "2025-11-29T13:11:00+05:00");
        assert_eq!(at("15 Август 2025"), "2025-08-15T00:00:00+05:00");
        assert_eq!(at("29 ноября 2025 г., 13:11"), "2025-11-29T13:11:00+05:00");
        assert_eq!(at("3 МАЯ 2024 года в 9:05"), "2024-05-03T09:05:00+05:00");
    }

    #[test]
    fn kazakh_months_with_suffixes() {
        assert_eq!(at("2025 жылғы 15 тамызда"), "2025-08-15T00:00:00+05:00");
        assert_eq!(at("15 тамыз 2025"), "2025-08-15T00:00:00+05:00");
        // Before March 2024 Kazakhstan was at UTC+6.
        assert_eq!(at("2024 жылғы 3 қаңтардағы"), "2024-01-03T00:00:00+06:00");
        assert_eq!(at("12 желтоқсан 2025, 10:30"), "2025-12-12T10:30:00+05:00");
    }

    #[test]
    fn english_months() {
        assert_eq!(at("November 29, 2025"), "2025-11-29T00:00:00+05:00");
        assert_eq!(at("Nov 29, 2025 1:11 PM"), "2025-11-29T13:11:00+05:00");
        assert_eq!(at("29 November 2025"), "2025-11-29T00:00:00+05:00");
    }

    #[test]
    fn rejects_non_dates() {
        assert_eq!(at(""), "");
        assert_eq!(at("не дата"), "");
        assert_eq!(at("15 человек 2025"), "");
        assert_eq!(at("99.99.2025"), "");
    }

    #[test]
    fn finds_dates_inside_text() {
        let d = find_date("Опубликовано: 29 ноября 2025, 13:11 | Просмотров: 85");
        assert_eq!(
            d.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-11-29T13:11:00+05:00")
        );
        let d = find_date("Эта новость заархивирована с источника 29 Ноября 2025 13:11");
        assert_eq!(
            d.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-11-29T13:11:00+05:00")
        );
        assert!(find_date("Ничего похожего на дату здесь нет 12345").is_none());
    }

    /// Kazakhstan moved from UTC+6 to UTC+5 on 1 March 2024 at midnight.
    #[test]
    fn dates_without_a_zone_take_the_offset_of_their_day() {
        assert_eq!(at("29.11.2023 13:11"), "2023-11-29T13:11:00+06:00");
        assert_eq!(at("2024-02-29 22:59"), "2024-02-29T22:59:00+06:00");
        assert_eq!(at("2024-03-01 00:00"), "2024-03-01T00:00:00+05:00");
        assert_eq!(at("15 тамыз 2020"), "2020-08-15T00:00:00+06:00");
        assert_eq!(at("3 МАЯ 2024 года в 9:05"), "2024-05-03T09:05:00+05:00");
        // The hour 23:00-24:00 of 29 February 2024 came twice: the first one.
        assert_eq!(at("29.02.2024 23:30"), "2024-02-29T23:30:00+06:00");
        // A written zone is kept as written.
        assert_eq!(at("2023-11-29T13:11:00+05:00"), "2023-11-29T13:11:00+05:00");
        let utc = DateTime::parse_from_rfc3339("2023-06-01T06:00:00Z").unwrap();
        assert_eq!(
            in_kazakhstan(utc.with_timezone(&Utc)).to_rfc3339(),
            "2023-06-01T12:00:00+06:00"
        );
    }

    #[test]
    fn month_words() {
        assert_eq!(month_number("ТАМЫЗДА"), Some(8));
        assert_eq!(month_number("қазанда"), Some(10));
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("мартен"), Some(3));
        assert_eq!(month_number("мартеновский"), None);
        assert_eq!(month_number("человек"), None);
    }
}
