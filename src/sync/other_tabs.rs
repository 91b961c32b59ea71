//! (wasm) How many other tabs of this browser have the app open: tabs are peers too (they
//! share this browser's storage, and each announces what it saved to the others), so
//! the sync indicator lists them. Each tab says hello on a BroadcastChannel when it
//! starts, answers a hello, says it is still here every 5 s and goodbye when the page
//! goes; a tab not heard for 12 s has gone.
//!
//! ```ignore
//! watch_other_tabs(move |count| set_tabs.set(count));
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

const CHANNEL: &str = "throughline-tabs";
const EVERY_MS: i32 = 5_000;
const GONE_AFTER_MS: f64 = 12_000.0;

fn say(channel: &BroadcastChannel, me: &str, kind: &str) {
    let message = Object::new();
    let _ = Reflect::set(&message, &"id".into(), &me.into());
    let _ = Reflect::set(&message, &"kind".into(), &kind.into());
    let _ = channel.post_message(&message);
}

fn text(message: &JsValue, key: &str) -> Option<String> {
    Reflect::get(message, &key.into()).ok()?.as_string()
}

/// Starts watching (once per page: the channel and its timers live as long as it);
/// `on_count` hears the number of other tabs whenever it changes.
pub fn watch_other_tabs(on_count: impl Fn(usize) + 'static) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let me = uuid::Uuid::new_v4().simple().to_string();
    let heard: Rc<RefCell<HashMap<String, f64>>> = Rc::default();
    // Told only when the count changes (a heartbeat mostly changes nothing).
    let told = Rc::new(std::cell::Cell::new(0usize));
    let on_count = Rc::new(on_count);
    let recount = {
        let heard = Rc::clone(&heard);
        move || {
            let now = js_sys::Date::now();
            heard.borrow_mut().retain(|_, at| now - *at < GONE_AFTER_MS);
            let count = heard.borrow().len();
            if told.replace(count) != count {
                on_count(count);
            }
        }
    };

    let answering = channel.clone();
    let mine = me.clone();
    let listening = Rc::clone(&heard);
    let counting = recount.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let (Some(id), Some(kind)) = (text(&data, "id"), text(&data, "kind")) else {
            return;
        };
        if kind == "bye" {
            listening.borrow_mut().remove(&id);
        } else {
            listening.borrow_mut().insert(id, js_sys::Date::now());
            if kind == "hello" {
                say(&answering, &mine, "here");
            }
        }
        counting();
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let beating = channel.clone();
    let mine = me.clone();
    let heartbeat = Closure::<dyn FnMut()>::new(move || {
        say(&beating, &mine, "here");
        recount();
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            heartbeat.as_ref().unchecked_ref(),
            EVERY_MS,
        );
        let leaving = channel.clone();
        let mine = me.clone();
        let goodbye = Closure::<dyn FnMut()>::new(move || say(&leaving, &mine, "bye"));
        let _ =
            window.add_event_listener_with_callback("pagehide", goodbye.as_ref().unchecked_ref());
        goodbye.forget();
    }
    heartbeat.forget();
    say(&channel, &me, "hello");
}
