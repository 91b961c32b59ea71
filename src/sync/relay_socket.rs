//! (wasm) The sync client's connection to a relay: one WebSocket to its `/sync`,
//! reconnected with jittered backoff, closed at once when the browser says it went
//! offline and reopened when it comes back.

use std::rc::Rc;

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use super::client::{Client, SyncStatus};
use super::engine::Event;
use super::relay_proof::{RelayProof, SYNC_PROTOCOL};
use super::Disconnected;
use crate::store::Storage;

/// Opens a new socket to the relay (closing any previous one). A device with keys first
/// asks the relay for a challenge and offers its signed answer as a subprotocol
/// (`relay_proof`); a relay that hands out none (an older one, a plain automerge-repo
/// server) is connected to without.
pub(super) fn connect<S: Storage + 'static>(client: &Rc<Client<S>>) {
    let Some(url) = client.url.clone() else {
        return;
    };
    if let Some(previous) = client.socket.borrow_mut().take() {
        let _ = previous.close();
    }
    let connection = client.connection.get() + 1;
    client.connection.set(connection);
    if !web_sys::window().is_none_or(|w| w.navigator().on_line()) {
        // No point trying: the `online` event reconnects.
        client.offline(Disconnected::NoNetwork);
        return;
    }
    client.set_status(SyncStatus::Connecting);
    let Some(keys) = client.keys.clone().filter(|keys| keys.prove_to_relay) else {
        open(client, url, connection, None);
        return;
    };
    let weak = Rc::downgrade(client);
    wasm_bindgen_futures::spawn_local(async move {
        let challenge = fetch_challenge(&challenge_address(&url)).await;
        let Some(client) = weak.upgrade() else { return };
        if client.connection.get() != connection {
            return; // a newer attempt (or going offline) replaced this one
        }
        let Ok(challenge) = challenge else {
            // The relay was not reached (the network is just back, say). Connecting
            // without a proof would be served nothing of a claimed workspace, so this
            // attempt fails as a socket that cannot open does, and is tried again. (The
            // challenge is asked only of the relay of this page's own site.)
            client.offline(Disconnected::RelayUnreachable);
            schedule_reconnect(&client);
            return;
        };
        let proof = challenge.map(|challenge| {
            let peer = client.engine.borrow().peer_id().clone();
            RelayProof::sign(
                &challenge,
                &peer,
                &client.workspace,
                &keys.device,
                keys.invitation.as_ref(),
            )
        });
        open(&client, url, connection, proof);
    });
}

/// Where the relay at the `/sync` address `url` hands out challenges.
fn challenge_address(url: &str) -> String {
    let without_query = url.split('?').next().unwrap_or(url);
    let http = if let Some(rest) = without_query.strip_prefix("wss://") {
        format!("https://{rest}")
    } else if let Some(rest) = without_query.strip_prefix("ws://") {
        format!("http://{rest}")
    } else {
        without_query.to_owned()
    };
    format!("{}/challenge", http.trim_end_matches('/'))
}

/// A challenge from the relay, or `None` if it hands out none (it answered without
/// one); `Err` if it could not be asked (no answer at all).
async fn fetch_challenge(address: &str) -> Result<Option<String>, NotReached> {
    let window = web_sys::window().ok_or(NotReached)?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(address))
        .await
        .map_err(|_| NotReached)?;
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return Ok(None);
    };
    if !response.ok() {
        return Ok(None);
    }
    let Ok(text) = response.text() else {
        return Ok(None);
    };
    // The body cut off mid-way is the network failing, not an answer.
    let text = wasm_bindgen_futures::JsFuture::from(text)
        .await
        .map_err(|_| NotReached)?
        .as_string()
        .unwrap_or_default();
    let text = text.trim();
    Ok((!text.is_empty() && text.len() < 512).then(|| text.to_owned()))
}

/// The relay did not answer a request for a challenge.
struct NotReached;

/// Opens the socket for attempt `connection`, offering `proof` when there is one.
fn open<S: Storage + 'static>(
    client: &Rc<Client<S>>,
    url: String,
    connection: super::ConnectionId,
    proof: Option<RelayProof>,
) {
    let opened = match &proof {
        Some(proof) => {
            let protocols = js_sys::Array::of2(&SYNC_PROTOCOL.into(), &proof.to_protocol().into());
            WebSocket::new_with_str_sequence(&url, &protocols)
        }
        None => WebSocket::new(&url),
    };
    let socket = match opened {
        Ok(socket) => socket,
        Err(_) => {
            client.offline(Disconnected::NotARelayAddress { address: url });
            return;
        }
    };
    socket.set_binary_type(BinaryType::Arraybuffer);

    let weak = Rc::downgrade(client);
    let on_open = Closure::<dyn FnMut()>::new(move || {
        if let Some(client) = weak.upgrade() {
            client.event(Event::Connected { connection });
        }
    });
    let weak = Rc::downgrade(client);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(client) = weak.upgrade() else { return };
        if let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() {
            let bytes = Uint8Array::new(&buffer).to_vec();
            client.event(Event::Received {
                connection,
                bytes: &bytes,
            });
        }
    });
    let weak = Rc::downgrade(client);
    let on_close = Closure::<dyn FnMut()>::new(move || {
        let Some(client) = weak.upgrade() else { return };
        // The engine forgets what was in flight on this connection, current or not.
        client.event(Event::Closed { connection });
        if client.connection.get() != connection {
            return;
        }
        client.socket.borrow_mut().take();
        if !client.is_offline() {
            client.offline(Disconnected::RelayUnreachable);
        }
        schedule_reconnect(&client);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The handlers live as long as the socket; a new socket gets new ones.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    *client.socket.borrow_mut() = Some(socket);
}

/// Tries again after the next wait of the client's [`Backoff`](super::Backoff).
fn schedule_reconnect<S: Storage + 'static>(client: &Rc<Client<S>>) {
    let jittered = client
        .backoff
        .borrow_mut()
        .next_wait_ms(js_sys::Math::random());
    let weak = Rc::downgrade(client);
    crate::timer::set_timeout(jittered as i32, move || {
        if let Some(client) = weak.upgrade() {
            // Coming back online may already have reconnected.
            if client.socket.borrow().is_none() {
                connect(&client);
            }
        }
    });
}

/// Follows the browser's own view of the network: when it says the device went offline
/// the socket is closed at once (rather than waiting for a timeout), and when it comes
/// back online the client reconnects without waiting for the backoff.
pub(super) fn watch_network<S: Storage + 'static>(client: &Rc<Client<S>>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let weak = Rc::downgrade(client);
    let offline = Closure::<dyn FnMut()>::new(move || {
        let Some(client) = weak.upgrade() else { return };
        client.offline(Disconnected::NoNetwork);
        let socket = client.socket.borrow_mut().take();
        if let Some(socket) = socket {
            let _ = socket.close();
        }
    });
    let weak = Rc::downgrade(client);
    let online = Closure::<dyn FnMut()>::new(move || {
        let Some(client) = weak.upgrade() else { return };
        if client.socket.borrow().is_none() {
            client.backoff.borrow_mut().reset();
            connect(&client);
        }
    });
    let _ = window.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    offline.forget();
    online.forget();
}
