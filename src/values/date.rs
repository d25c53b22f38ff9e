//! Dates for the Date operators: ISO 8601 (W3C profile: `2026-01-31`,
//! `2026-01-31T12:00:00Z`, fractions of a second, `+hh:mm` offsets) or epoch
//! seconds, all turned into milliseconds since the epoch (UTC).

/// Milliseconds since 1970-01-01T00:00:00Z, or `None` when the text is not
/// a date IAM accepts.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        // Epoch seconds.
        return text.parse::<i64>().ok()?.checked_mul(1000);
    }
    let (date, time) = match text.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut date_parts = date.split('-');
    let year: i64 = parse_fixed(date_parts.next()?, 4)?;
    let month: i64 = date_parts
        .next()
        .map_or(Some(1), |part| parse_fixed(part, 2))?;
    let day: i64 = date_parts
        .next()
        .map_or(Some(1), |part| parse_fixed(part, 2))?;
    if date_parts.next().is_some()
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
    {
        return None;
    }
    let mut milliseconds = days_from_civil(year, month, day) * 86_400_000;
    if let Some(time) = time {
        let (clock, offset_minutes) = split_offset(time)?;
        let mut clock_parts = clock.split(':');
        let hour: i64 = parse_fixed(clock_parts.next()?, 2)?;
        let minute: i64 = clock_parts
            .next()
            .map_or(Some(0), |part| parse_fixed(part, 2))?;
        let (second, millisecond) = match clock_parts.next() {
            None => (0, 0),
            Some(seconds) => {
                let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
                let second: i64 = parse_fixed(whole, 2)?;
                if !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
                    return None;
                }
                let millis = format!("{fraction:0<3}")[..3].parse::<i64>().ok()?;
                (second, millis)
            }
        };
        if clock_parts.next().is_some() || hour > 24 || minute > 59 || second > 60 {
            return None;
        }
        milliseconds += ((hour * 60 + minute - offset_minutes) * 60 + second) * 1000 + millisecond;
    }
    Some(milliseconds)
}

fn parse_fixed(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Splits `12:00:00Z` or `12:00:00+02:00` into the clock and the offset in minutes.
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(index) = time.rfind(['+', '-']) {
        let (clock, offset) = time.split_at(index);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':').unwrap_or((&offset[1..], "00"));
        return Some((
            clock,
            sign * (parse_fixed(hours, 2)? * 60 + parse_fixed(minutes, 2)?),
        ));
    }
    // No zone: read as UTC.
    Some((time, 0))
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a count of days
/// since 1970-01-01 (Howard Hinnant's inverse of `days_from_civil`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_8601_and_epoch() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("0"), Some(0));
        assert_eq!(parse_date("1700000000"), Some(1_700_000_000_000));
        assert_eq!(parse_date("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(
            parse_date("2023-11-15T00:13:20+02:00"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_date("2023-11-14"), parse_date("2023-11-14T00:00:00Z"));
        assert_eq!(
            parse_date("2020-02-29T00:00:00.5Z"),
            Some(1_582_934_400_500)
        );
        assert_eq!(parse_date("2021-02-29"), None);
        assert_eq!(parse_date("yesterday"), None);
    }
}
