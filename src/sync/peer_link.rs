//! (wasm) A direct link to another device: a WebRTC peer connection with one reliable,
//! ordered data channel, which carries automerge-repo messages for the sync engine like
//! any other connection. It is set up with pairing codes ([`super::pairing`]): one side
//! makes an offer, the other answers it, and the first completes with the answer. No
//! server is needed; on one network the host candidates connect.
//!
//! Gathering is waited for (not trickled), since the whole description travels at once
//! in one code; it ends when the browser says so, or after three seconds with what was
//! found by then.
//!
//! ```ignore
//! let (offering, offer) = PeerLink::offer().await?;        // show `offer` as a code
//! let (answering, answer) = PeerLink::answer(&offer).await?; // on the other device
//! offering.complete(&answer).await?;                        // back on the first
//! offering.on_message(|bytes| engine_input(bytes));
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MessageEvent, RtcDataChannel, RtcDataChannelEvent, RtcDataChannelInit, RtcDataChannelState,
    RtcDataChannelType, RtcIceGatheringState, RtcPeerConnection, RtcPeerConnectionState,
    RtcSdpType, RtcSessionDescriptionInit,
};

use super::engine::DEFAULT_MAX_MESSAGE_BYTES;
use super::pairing::Connection;
use super::Disconnected;

/// The data channel's label, the same on both sides.
const CHANNEL: &str = "automerge-repo";
/// Longest wait for ICE gathering, in milliseconds.
const GATHERING_MS: i32 = 3_000;
/// A message travels in frames of at most this many bytes: browsers refuse a data
/// channel message over the connection's limit (256 KiB in Chromium), and a first sync
/// of a workspace is larger. Each frame starts with one byte: [`MORE`] or [`LAST`].
const FRAME_BYTES: usize = 64 * 1024;
const MORE: u8 = 1;
const LAST: u8 = 0;

type Listener<T> = RefCell<Option<Box<dyn FnMut(T)>>>;

/// What the page wants to hear from the link.
#[derive(Default)]
struct Listeners {
    open: Listener<()>,
    message: Listener<Vec<u8>>,
    closed: Listener<Disconnected>,
    /// The frames of a message that has not ended yet.
    partial: RefCell<Vec<u8>>,
}

/// One direct link to another device.
pub struct PeerLink {
    connection: RtcPeerConnection,
    channel: Rc<RefCell<Option<RtcDataChannel>>>,
    listeners: Rc<Listeners>,
}

fn failed(what: &str, error: JsValue) -> String {
    let detail = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"));
    format!("{what}: {detail}")
}

impl PeerLink {
    fn new() -> Result<PeerLink, String> {
        let connection = RtcPeerConnection::new()
            .map_err(|e| failed("this browser cannot make a direct connection", e))?;
        let listeners = Rc::new(Listeners::default());
        // A connection that fails (the other device left the network for good) leaves
        // its channel "open" and sending into the void; it counts as closed.
        let watched = connection.clone();
        let heard = Rc::clone(&listeners);
        let changed = Closure::<dyn FnMut()>::new(move || {
            if watched.connection_state() == RtcPeerConnectionState::Failed {
                if let Some(listener) = &mut *heard.closed.borrow_mut() {
                    listener(Disconnected::DeviceUnreachable);
                }
            }
        });
        connection.set_onconnectionstatechange(Some(changed.as_ref().unchecked_ref()));
        // Lives as long as the connection.
        changed.forget();
        Ok(PeerLink {
            connection,
            channel: Rc::new(RefCell::new(None)),
            listeners,
        })
    }

    /// Starts a link as the offering side: the offer to show the other device.
    pub async fn offer() -> Result<(PeerLink, Connection), String> {
        let link = PeerLink::new()?;
        let init = RtcDataChannelInit::new();
        init.set_ordered(true);
        let channel = link
            .connection
            .create_data_channel_with_data_channel_dict(CHANNEL, &init);
        link.attach(channel);
        let offer = JsFuture::from(link.connection.create_offer())
            .await
            .map_err(|e| failed("no offer could be made", e))?;
        link.set_local(offer).await?;
        let local = link.described().await?;
        Ok((link, local))
    }

    /// Answers another device's offer: the answer to show it back.
    pub async fn answer(offer: &Connection) -> Result<(PeerLink, Connection), String> {
        let link = PeerLink::new()?;
        // The offering side opens the channel; it arrives here.
        let channel = Rc::clone(&link.channel);
        let listeners = Rc::clone(&link.listeners);
        let arrived =
            Closure::<dyn FnMut(RtcDataChannelEvent)>::new(move |event: RtcDataChannelEvent| {
                wire(&event.channel(), &channel, &listeners);
            });
        link.connection
            .set_ondatachannel(Some(arrived.as_ref().unchecked_ref()));
        // Lives as long as the connection.
        arrived.forget();
        link.set_remote(RtcSdpType::Offer, offer).await?;
        let answer = JsFuture::from(link.connection.create_answer())
            .await
            .map_err(|e| failed("the offer could not be answered", e))?;
        link.set_local(answer).await?;
        let local = link.described().await?;
        Ok((link, local))
    }

    /// Completes an offer with the other device's answer.
    pub async fn complete(&self, answer: &Connection) -> Result<(), String> {
        self.set_remote(RtcSdpType::Answer, answer).await
    }

    /// Called once the channel is open (messages may be sent).
    pub fn on_open(&self, listener: impl FnMut(()) + 'static) {
        *self.listeners.open.borrow_mut() = Some(Box::new(listener));
    }

    /// Called with each message from the other device.
    pub fn on_message(&self, listener: impl FnMut(Vec<u8>) + 'static) {
        *self.listeners.message.borrow_mut() = Some(Box::new(listener));
    }

    /// Called when the channel closes, with why.
    pub fn on_closed(&self, listener: impl FnMut(Disconnected) + 'static) {
        *self.listeners.closed.borrow_mut() = Some(Box::new(listener));
    }

    /// Whether the channel is open now (and its connection has not failed).
    pub fn is_open(&self) -> bool {
        self.connection.connection_state() != RtcPeerConnectionState::Failed
            && self
                .channel
                .borrow()
                .as_ref()
                .is_some_and(|c| c.ready_state() == RtcDataChannelState::Open)
    }

    /// Sends one message (in frames); refused when the channel is not open.
    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        let channel = match &*self.channel.borrow() {
            Some(channel) if self.is_open() => channel.clone(),
            _ => return Err("the direct connection is not open".into()),
        };
        let mut chunks = bytes.chunks(FRAME_BYTES).peekable();
        if chunks.peek().is_none() {
            return Err("an empty message".into());
        }
        while let Some(chunk) = chunks.next() {
            let mut frame = Vec::with_capacity(chunk.len() + 1);
            frame.push(if chunks.peek().is_some() { MORE } else { LAST });
            frame.extend_from_slice(chunk);
            channel
                .send_with_u8_array(&frame)
                .map_err(|e| failed("the message could not be sent", e))?;
        }
        Ok(())
    }

    /// Closes the link (the other side hears the channel close).
    pub fn close(&self) {
        if let Some(channel) = &*self.channel.borrow() {
            channel.close();
        }
        self.connection.close();
    }

    fn attach(&self, channel: RtcDataChannel) {
        wire(&channel, &self.channel, &self.listeners);
    }

    async fn set_local(&self, description: JsValue) -> Result<(), String> {
        let description: RtcSessionDescriptionInit = description.unchecked_into();
        JsFuture::from(self.connection.set_local_description(&description))
            .await
            .map(|_| ())
            .map_err(|e| failed("the browser refused its own description", e))
    }

    async fn set_remote(&self, kind: RtcSdpType, remote: &Connection) -> Result<(), String> {
        let description = RtcSessionDescriptionInit::new(kind);
        let session = (js_sys::Math::random() * 1e15) as u64;
        description.set_sdp(&remote.to_sdp(session));
        JsFuture::from(self.connection.set_remote_description(&description))
            .await
            .map(|_| ())
            .map_err(|e| failed("the other device's code could not be used", e))
    }

    /// This side's description once gathering is done, as it travels.
    async fn described(&self) -> Result<Connection, String> {
        gathered(&self.connection).await;
        let sdp = self
            .connection
            .local_description()
            .map(|d| d.sdp())
            .ok_or("the browser gave no description")?;
        let connection = Connection::from_sdp(&sdp).map_err(|e| e.to_string())?;
        if connection.candidates.is_empty() {
            return Err("this device found no network address to be reached at".into());
        }
        Ok(connection)
    }
}

/// Keeps `channel` as the link's and passes its events to the listeners.
fn wire(
    channel: &RtcDataChannel,
    slot: &Rc<RefCell<Option<RtcDataChannel>>>,
    listeners: &Rc<Listeners>,
) {
    channel.set_binary_type(RtcDataChannelType::Arraybuffer);
    let heard = Rc::clone(listeners);
    let on_open = Closure::<dyn FnMut()>::new(move || {
        if let Some(listener) = &mut *heard.open.borrow_mut() {
            listener(());
        }
    });
    let heard = Rc::clone(listeners);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() else {
            return;
        };
        let frame = js_sys::Uint8Array::new(&buffer).to_vec();
        let Some((&marker, chunk)) = frame.split_first() else {
            return;
        };
        let message = {
            let mut partial = heard.partial.borrow_mut();
            if partial.len() + chunk.len() > DEFAULT_MAX_MESSAGE_BYTES || marker > MORE {
                partial.clear();
                drop(partial);
                if let Some(listener) = &mut *heard.closed.borrow_mut() {
                    listener(Disconnected::BadMessage);
                }
                return;
            }
            partial.extend_from_slice(chunk);
            if marker == MORE {
                return;
            }
            std::mem::take(&mut *partial)
        };
        if let Some(listener) = &mut *heard.message.borrow_mut() {
            listener(message);
        }
    });
    let heard = Rc::clone(listeners);
    let on_close = Closure::<dyn FnMut()>::new(move || {
        if let Some(listener) = &mut *heard.closed.borrow_mut() {
            listener(Disconnected::ClosedThere);
        }
    });
    channel.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    channel.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The handlers live as long as the channel.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    *slot.borrow_mut() = Some(channel.clone());
}

/// Resolves when ICE gathering is complete, or after [`GATHERING_MS`].
async fn gathered(connection: &RtcPeerConnection) {
    if connection.ice_gathering_state() == RtcIceGatheringState::Complete {
        return;
    }
    let watched = connection.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let done = resolve.clone();
        let watching = watched.clone();
        let changed = Closure::<dyn FnMut()>::new(move || {
            if watching.ice_gathering_state() == RtcIceGatheringState::Complete {
                let _ = done.call0(&JsValue::NULL);
            }
        });
        watched.set_onicegatheringstatechange(Some(changed.as_ref().unchecked_ref()));
        changed.forget();
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, GATHERING_MS);
        }
    });
    let _ = JsFuture::from(promise).await;
}
