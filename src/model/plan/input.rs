//! Values typed by hand into a plan: years, dates, numbers, amounts and percentages.
//! Each is checked where it is typed; the error says why, in words for the person, and an
//! invalid value never reaches the document.
//!
//! ```
//! use throughline::model::plan::{parse_date, parse_number};
//! assert_eq!(parse_number(" 1,250.5 "), Ok(1250.5));
//! assert!(parse_date("2027-02-30").is_err());
//! ```

use super::PlanError;

/// The earliest and latest years a plan may cover.
pub const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;

/// A year such as `2027`.
pub fn parse_year(text: &str) -> Result<i64, PlanError> {
    let text = text.trim();
    let year: i64 = text.parse().map_err(|_| PlanError::NotAYear {
        text: text.to_owned(),
    })?;
    if !YEARS.contains(&year) {
        return Err(PlanError::YearOutOfRange { year });
    }
    Ok(year)
}

/// Why two typed years do not make a horizon (start to end), if both are years.
pub fn horizon_problem(start: &str, end: &str) -> Option<PlanError> {
    let (start, end) = (parse_year(start).ok()?, parse_year(end).ok()?);
    super::Plan::default().set_horizon(start, end).err()
}

/// A calendar date written `YYYY-MM-DD` (what a date input gives), checked to exist.
pub fn parse_date(text: &str) -> Result<String, PlanError> {
    let text = text.trim();
    let invalid = || PlanError::NotADate {
        text: text.to_owned(),
    };
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return Err(invalid());
    }
    let number = |part: &str| part.parse::<u32>().map_err(|_| invalid());
    let (year, month, day) = (number(parts[0])?, number(parts[1])?, number(parts[2])?);
    if !(1..=12).contains(&month) {
        return Err(PlanError::NoSuchMonth {
            date: text.to_owned(),
            month,
        });
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(PlanError::NoSuchDay {
            date: text.to_owned(),
        });
    }
    if !YEARS.contains(&i64::from(year)) {
        return Err(PlanError::DateOutOfRange {
            date: text.to_owned(),
        });
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
pub fn parse_number(text: &str) -> Result<f64, PlanError> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let value: f64 = cleaned.parse().map_err(|_| PlanError::NotANumber {
        text: text.trim().to_owned(),
    })?;
    if !value.is_finite() || value.abs() > 1e15 {
        return Err(PlanError::NumberUnusable {
            text: text.trim().to_owned(),
        });
    }
    Ok(value)
}

/// A budget in whole units of the plan's currency, not negative.
pub fn parse_amount(text: &str) -> Result<i64, PlanError> {
    let value = parse_number(text).map_err(|_| PlanError::NotAnAmount {
        text: text.trim().to_owned(),
    })?;
    if value < 0.0 {
        return Err(PlanError::BudgetNegative);
    }
    if value.fract() != 0.0 {
        return Err(PlanError::BudgetNotWhole);
    }
    Ok(value as i64)
}

/// A headcount in people (full-time equivalents, so 2.5 is allowed), not negative.
pub fn parse_headcount(text: &str) -> Result<f64, PlanError> {
    let value = parse_number(text).map_err(|_| PlanError::NotAHeadcount {
        text: text.trim().to_owned(),
    })?;
    if value < 0.0 {
        return Err(PlanError::HeadcountNegative);
    }
    Ok(value)
}

/// A percentage from 0 to 100.
pub fn parse_percent(text: &str) -> Result<i64, PlanError> {
    let trimmed = text.trim().trim_end_matches('%');
    let value = parse_number(trimmed).map_err(|_| PlanError::NotAPercentage {
        text: text.trim().to_owned(),
    })?;
    if !(0.0..=100.0).contains(&value) {
        return Err(PlanError::ProgressOutOfRange);
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
        let text = |t: &str| t.to_owned();
        assert_eq!(parse_year("2027"), Ok(2027));
        assert_eq!(
            parse_year("27x"),
            Err(PlanError::NotAYear { text: text("27x") })
        );
        assert_eq!(
            parse_year("1800"),
            Err(PlanError::YearOutOfRange { year: 1800 })
        );
        assert_eq!(parse_date("2028-02-29"), Ok("2028-02-29".to_owned()));
        assert_eq!(
            parse_date("2027-02-29"),
            Err(PlanError::NoSuchDay {
                date: text("2027-02-29")
            })
        );
        assert_eq!(
            parse_date("2027-13-01"),
            Err(PlanError::NoSuchMonth {
                date: text("2027-13-01"),
                month: 13
            })
        );
        assert_eq!(
            parse_date("31/03/2027"),
            Err(PlanError::NotADate {
                text: text("31/03/2027")
            })
        );
        assert_eq!(
            parse_date("1999-12-31"),
            Err(PlanError::DateOutOfRange {
                date: text("1999-12-31")
            })
        );
        assert_eq!(parse_number("-3.5"), Ok(-3.5));
        assert_eq!(
            parse_number("abc"),
            Err(PlanError::NotANumber { text: text("abc") })
        );
        assert_eq!(
            parse_number("NaN"),
            Err(PlanError::NumberUnusable { text: text("NaN") })
        );
        assert_eq!(parse_amount("250,000"), Ok(250_000));
        assert_eq!(parse_amount("-1"), Err(PlanError::BudgetNegative));
        assert_eq!(parse_amount("10.5"), Err(PlanError::BudgetNotWhole));
        assert_eq!(
            parse_amount("lots"),
            Err(PlanError::NotAnAmount { text: text("lots") })
        );
        assert_eq!(parse_headcount("-1"), Err(PlanError::HeadcountNegative));
        assert_eq!(
            parse_headcount("two"),
            Err(PlanError::NotAHeadcount { text: text("two") })
        );
        assert_eq!(parse_percent("45%"), Ok(45));
        assert_eq!(parse_percent("120"), Err(PlanError::ProgressOutOfRange));
        assert_eq!(
            parse_percent("most"),
            Err(PlanError::NotAPercentage { text: text("most") })
        );
        assert_eq!(format_number(1250.5), "1,250.5");
        assert_eq!(format_number(-42.0), "-42");
        assert_eq!(format_number(1_000_000.25), "1,000,000.25");
    }
}
