//! Dates and times as the person's browser writes them (their language and time zone).

use wasm_bindgen::JsValue;

/// A moment given in milliseconds since the Unix epoch, e.g. "27/11/2026, 14:05:09".
pub fn date_time(millis: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(millis as f64));
    String::from(date.to_locale_string("default", &JsValue::UNDEFINED))
}

/// A moment given in seconds since the Unix epoch (Automerge change times).
pub fn date_time_seconds(seconds: i64) -> String {
    date_time(seconds.saturating_mul(1000))
}

/// A day given in milliseconds since the Unix epoch, e.g. "27 Nov 2026" (in the person's
/// language).
pub fn date(millis: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(millis as f64));
    let options = js_sys::Object::new();
    for (key, value) in [("day", "numeric"), ("month", "short"), ("year", "numeric")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    String::from(date.to_locale_date_string("default", &options))
}

/// Today on this device, `YYYY-MM-DD` (for due dates and the date of a new actual).
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// When a session of changes happened: one moment, or from – to.
pub fn session_when(session: &crate::store::Session) -> String {
    if session.ended - session.started < 60 {
        date_time_seconds(session.started)
    } else {
        format!(
            "{} – {}",
            date_time_seconds(session.started),
            date_time_seconds(session.ended)
        )
    }
}

/// "3 changes: Add a goal; Rate a goal": a session's changes by their messages.
pub fn session_summary(session: &crate::store::Session) -> String {
    let mut messages: Vec<&str> = Vec::new();
    for change in &session.changes {
        if !change.message.is_empty() && !messages.contains(&change.message.as_str()) {
            messages.push(&change.message);
        }
    }
    format!(
        "{} change{}: {}",
        session.changes.len(),
        if session.changes.len() == 1 { "" } else { "s" },
        messages.join("; ")
    )
}
