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
