//! Values typed by hand into a plan: years, dates, numbers, amounts and percentages.
//! Each is checked where it is typed; the error says why, in words for the person, and an
//! invalid value never reaches the document.
//!
//! ```
//! use throughline::model::plan::{parse_date, parse_number};
//! assert_eq!(parse_number(" 1,250.5 "), Ok(1250.5));
//! assert!(parse_date("2027-02-30").is_err());
//! ```

/// The earliest and latest years a plan may cover.
pub const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;

/// A year such as `2027`.
pub fn parse_year(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let year: i64 = text
        .parse()
        .map_err(|_| format!("\"{text}\" is not a year; write it as four digits, e.g. 2027."))?;
    if !YEARS.contains(&year) {
        return Err(format!(
            "{year} is outside the years a plan can cover ({}–{}).",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(year)
}

/// Why two typed years do not make a horizon (start to end), if both are years.
pub fn horizon_problem(start: &str, end: &str) -> Option<String> {
    let (start, end) = (parse_year(start).ok()?, parse_year(end).ok()?);
    super::Plan::default().set_horizon(start, end).err()
}

/// A calendar date written `YYYY-MM-DD` (what a date input gives), checked to exist.
pub fn parse_date(text: &str) -> Result<String, String> {
    let text = text.trim();
    let invalid = || format!("\"{text}\" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.");
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return Err(invalid());
    }
    let number = |part: &str| part.parse::<u32>().map_err(|_| invalid());
    let (year, month, day) = (number(parts[0])?, number(parts[1])?, number(parts[2])?);
    if !(1..=12).contains(&month) {
        return Err(format!("{text}: there is no month {month}."));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(format!("{text}: that day does not exist in that month."));
    }
    if !YEARS.contains(&i64::from(year)) {
        return Err(format!(
            "{text} is outside the years a plan can cover ({}–{}).",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(text.to_owned())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A number such as `42`, `-3.5` or `1,250.5` (thousands separators are allowed).
pub fn parse_number(text: &str) -> Result<f64, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let value: f64 = cleaned
        .parse()
        .map_err(|_| format!("\"{}\" is not a number.", text.trim()))?;
    if !value.is_finite() || value.abs() > 1e15 {
        return Err(format!("\"{}\" is not a usable number.", text.trim()));
    }
    Ok(value)
}

/// A budget in whole units of the plan's currency, not negative.
pub fn parse_amount(text: &str) -> Result<i64, String> {
    let value = parse_number(text).map_err(|_| {
        format!(
            "\"{}\" is not an amount; write digits only, e.g. 250000.",
            text.trim()
        )
    })?;
    if value < 0.0 {
        return Err("A budget cannot be negative.".to_owned());
    }
    if value.fract() != 0.0 {
        return Err("Write the budget in whole units, without cents.".to_owned());
    }
    Ok(value as i64)
}

/// A headcount in people (full-time equivalents, so 2.5 is allowed), not negative.
pub fn parse_headcount(text: &str) -> Result<f64, String> {
    let value = parse_number(text).map_err(|_| {
        format!(
            "\"{}\" is not a headcount; write a number, e.g. 3 or 2.5.",
            text.trim()
        )
    })?;
    if value < 0.0 {
        return Err("A headcount cannot be negative.".to_owned());
    }
    Ok(value)
}

/// A percentage from 0 to 100.
pub fn parse_percent(text: &str) -> Result<i64, String> {
    let trimmed = text.trim().trim_end_matches('%');
    let value = parse_number(trimmed).map_err(|_| {
        format!(
            "\"{}\" is not a percentage; write a number from 0 to 100.",
            text.trim()
        )
    })?;
    if !(0.0..=100.0).contains(&value) {
        return Err("Progress is a percentage from 0 to 100.".to_owned());
    }
    Ok(value.round() as i64)
}

/// A number written for people: no trailing `.0`, at most two decimals, thousands
/// separated.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let whole = rounded.abs().trunc() as u64;
    let fraction = ((rounded.abs() - rounded.abs().trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let mut out = if negative {
        format!("-{grouped}")
    } else {
        grouped
    };
    if fraction > 0 {
        let text = format!("{fraction:02}");
        out.push('.');
        out.push_str(text.trim_end_matches('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_dates_and_numbers() {
        assert_eq!(parse_year("2027"), Ok(2027));
        assert!(parse_year("27x").is_err());
        assert!(parse_year("1800").is_err());
        assert_eq!(parse_date("2028-02-29"), Ok("2028-02-29".to_owned()));
        assert!(parse_date("2027-02-29").is_err());
        assert!(parse_date("2027-13-01").is_err());
        assert!(parse_date("31/03/2027").is_err());
        assert_eq!(parse_number("-3.5"), Ok(-3.5));
        assert!(parse_number("abc").is_err());
        assert!(parse_number("NaN").is_err());
        assert_eq!(parse_amount("250,000"), Ok(250_000));
        assert!(parse_amount("-1").is_err());
        assert!(parse_amount("10.5").is_err());
        assert_eq!(parse_percent("45%"), Ok(45));
        assert!(parse_percent("120").is_err());
        assert_eq!(format_number(1250.5), "1,250.5");
        assert_eq!(format_number(-42.0), "-42");
        assert_eq!(format_number(1_000_000.25), "1,000,000.25");
    }
}
