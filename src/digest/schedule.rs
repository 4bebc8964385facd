//! When a subscriber's digest is due, in the subscriber's own time zone
//! (default Kazakhstan's, Asia/Almaty: UTC+5 since March 2024).

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::store::Schedule;

/// The default and fallback zone.
pub const DEFAULT_TZ: Tz = crate::text::dates::KAZAKHSTAN;

/// The subscriber's zone, or Asia/Almaty for an unknown name.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(DEFAULT_TZ)
}

/// The latest slot of `schedule` at or before `now`, as a Unix time;
/// `None` for instant delivery.
pub fn last_slot(schedule: Schedule, tz: Tz, now: i64) -> Option<i64> {
    let now_local = Utc.timestamp_opt(now, 0).single()?.with_timezone(&tz);
    let (minute, weekday) = match schedule {
        Schedule::Instant => return None,
        Schedule::Daily { minute } => (minute, None),
        Schedule::Weekly { weekday, minute } => (minute, Some(weekday)),
    };
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60).min(23), u32::from(minute % 60), 0)?;
    for days_back in 0..=7 {
        let date = now_local.date_naive() - Duration::days(days_back);
        if let Some(w) = weekday
            && date.weekday().number_from_monday() != u32::from(w)
        {
            continue;
        }
        // A local time that does not exist (a DST gap) takes the earliest valid one.
        let Some(slot) = tz.from_local_datetime(&date.and_time(time)).earliest() else {
            continue;
        };
        if slot.timestamp() <= now {
            return Some(slot.timestamp());
        }
    }
    None
}

/// Is a scheduled digest due? Yes when a slot has passed since the last
/// digest. After downtime that spans several slots this is still one
/// digest: the catch-up carries everything since the last one.
pub fn is_due(schedule: Schedule, tz: Tz, last_digest_at: Option<i64>, now: i64) -> bool {
    match last_slot(schedule, tz, now) {
        None => matches!(schedule, Schedule::Instant),
        Some(slot) => last_digest_at.is_none_or(|last| last < slot),
    }
}

/// The time in the subscriber's zone.
pub fn local(tz: Tz, at: i64) -> DateTime<Tz> {
    Utc.timestamp_opt(at, 0)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz)
}

/// Parses `HH:MM` into minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Parses a weekday in en/ru/kk (full or short), 1 = Monday.
pub fn parse_weekday(s: &str) -> Option<u8> {
    let s = s.trim().to_lowercase();
    const DAYS: [&[&str]; 7] = [
        &["mon", "monday", "пн", "понедельник", "дс", "дүйсенбі"],
        &["tue", "tuesday", "вт", "вторник", "сс", "сейсенбі"],
        &["wed", "wednesday", "ср", "среда", "ср", "сәрсенбі"],
        &["thu", "thursday", "чт", "четверг", "бс", "бейсенбі"],
        &["fri", "friday", "пт", "пятница", "жм", "жұма"],
        &["sat", "saturday", "сб", "суббота", "сн", "сенбі"],
        &["sun", "sunday", "вс", "воскресенье", "жс", "жексенбі"],
    ];
    DAYS.iter()
        .position(|names| names.contains(&s.as_str()))
        .map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-11-28 03:30 UTC = 08:30 in Almaty (UTC+5), a Friday.
    const FRI_0830: i64 = 1_764_300_600;

    #[test]
    fn almaty_is_utc_plus_five() {
        assert_eq!(
            local(DEFAULT_TZ, FRI_0830).format("%H:%M").to_string(),
            "08:30"
        );
    }

    #[test]
    fn daily_digest_is_due_once_after_nine_local() {
        let nine = Schedule::Daily { minute: 540 };
        let yesterday_digest = Some(FRI_0830 - 23 * 3600);
        assert!(
            !is_due(nine, DEFAULT_TZ, yesterday_digest, FRI_0830),
            "not before 09:00"
        );
        let at_nine = FRI_0830 + 1800;
        assert!(is_due(nine, DEFAULT_TZ, yesterday_digest, at_nine));
        assert!(
            !is_due(nine, DEFAULT_TZ, Some(at_nine), at_nine + 3600),
            "sent today already"
        );
    }

    #[test]
    fn downtime_gives_one_catch_up() {
        let nine = Schedule::Daily { minute: 540 };
        let three_days_ago = Some(FRI_0830 - 3 * 86_400);
        let now = FRI_0830 + 3600;
        assert!(is_due(nine, DEFAULT_TZ, three_days_ago, now));
        assert!(
            !is_due(nine, DEFAULT_TZ, Some(now), now + 60),
            "and not again for the missed days"
        );
    }

    #[test]
    fn weekly_and_other_zones() {
        let friday_ten = Schedule::Weekly {
            weekday: 5,
            minute: 600,
        };
        assert!(is_due(
            friday_ten,
            DEFAULT_TZ,
            Some(FRI_0830 - 86_400),
            FRI_0830 + 2 * 3600
        ));
        assert!(!is_due(
            friday_ten,
            DEFAULT_TZ,
            Some(FRI_0830 - 86_400),
            FRI_0830
        ));
        // 08:30 Almaty is 06:30 in Moscow: a 07:00 Moscow digest is not due yet.
        let seven = Schedule::Daily { minute: 420 };
        assert!(!is_due(
            seven,
            zone("Europe/Moscow"),
            Some(FRI_0830 - 3600 * 20),
            FRI_0830
        ));
        assert_eq!(zone("Mars/Olympus"), DEFAULT_TZ);
    }

    #[test]
    fn parses_times_and_days() {
        assert_eq!(parse_hhmm("09:00"), Some(540));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_weekday("Пятница"), Some(5));
        assert_eq!(parse_weekday("жұма"), Some(5));
        assert_eq!(parse_weekday("sun"), Some(7));
    }
}
