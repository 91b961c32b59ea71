//! Settings → Devices: this device's name, every peer it syncs with (the relay and each
//! device linked directly) and whether each has everything, and pairing with a device
//! nearby with no server: one shows a code (QR and text), the other reads it and shows
//! its answer, the first reads that.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::store::DocumentId;
use crate::sync::pairing::Shares;
use crate::sync::{LinkState, PairingOffer, PeerView};
use crate::ui::app::SyncState;
use crate::ui::components::{FormMessage, PairingCodeView, QrScanner};
use crate::ui::sync_words::{peer_name, what_it_carries, why_disconnected};
use crate::ui::{PlansState, ReviewsState, WorkspaceState};

#[component]
pub fn DeviceLinks() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let sync = expect_context::<SyncState>();
    let name = RwSignal::new(sync.device_name.get_untracked());
    let message = RwSignal::new(None::<Result<String, String>>);
    let rename = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        sync.rename_device(name.get(), &state.repo());
        message.set(Some(Ok(
            "Renamed; devices you pair from now on see this name.".into(),
        )));
    };
    view! {
        <div class="card form" role="region" aria-labelledby="devices-heading" id="devices">
            <h2 id="devices-heading">"Devices nearby"</h2>
            <p>
                "Tablets in one room sync directly with each other, with or without the internet or a relay. Devices that both reach the relay connect directly by themselves; with no relay, pair them here."
            </p>
            <form class="inline-form" on:submit=rename>
                <label for="device-name">"This device’s name"</label>
                <input id="device-name" type="text" required maxlength="60" bind:value=name />
                <button type="submit" class="button">
                    "Rename"
                </button>
            </form>
            <FormMessage message=message />
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="introductions"
                    prop:checked=move || sync.introducing.get()
                    on:change=move |ev| {
                        sync.set_introducing(event_target_checked(&ev), &state.repo())
                    }
                />
                "Link directly with devices of this workspace that the relay shows nearby (they see this device’s network address)"
            </label>
            <PeerList />
            <PairDevice />
        </div>
    }
}

/// The relay and each linked device, with what it lacks and a way to close or forget it.
#[component]
fn PeerList() -> impl IntoView {
    let sync = expect_context::<SyncState>();
    let rows = move || sync.peers.get();
    view! {
        <h3>"Syncing with"</h3>
        <Show
            when=move || { !sync.peers.with(Vec::is_empty) || sync.tabs.get() > 0 }
            fallback=|| {
                view! {
                    <p data-testid="no-peers">
                        "No relay and no device linked: changes stay on this device."
                    </p>
                }
            }
        >
            <ul class="peer-list" data-testid="peer-list">
                <For each=rows key=|peer| (peer.key, format!("{peer:?}")) let:peer>
                    <PeerRow peer=peer />
                </For>
                <TabsRow />
            </ul>
        </Show>
    }
}

/// The other tabs of this browser, as one line: they share its storage, so they have
/// every change once it is saved here.
#[component]
fn TabsRow() -> impl IntoView {
    let sync = expect_context::<SyncState>();
    move || {
        let tabs = sync.tabs.get();
        (tabs > 0).then(|| {
            view! {
                <li class="peer" data-testid="tabs-peer">
                    <span class="peer-name">
                        {if tabs == 1 {
                            "1 other tab".to_owned()
                        } else {
                            format!("{tabs} other tabs")
                        }}
                    </span>
                    <span class="item-meta">" · this browser · shares its storage · "</span>
                    <span>"in sync once saved here"</span>
                </li>
            }
        })
    }
}

/// One peer's line: its name, how it is connected, and whether it has everything.
fn peer_standing(peer: &PeerView) -> String {
    match &peer.state {
        LinkState::Connecting => "connecting…".into(),
        LinkState::Closed(why) => format!("not connected ({})", why_disconnected(why)),
        LinkState::Open if peer.unsynced.is_empty() => "in sync".into(),
        LinkState::Open => match peer.unsynced.len() {
            1 => "1 document on its way".into(),
            n => format!("{n} documents on their way"),
        },
    }
}

#[component]
fn PeerRow(peer: PeerView) -> impl IntoView {
    let sync = expect_context::<SyncState>();
    let key = peer.key;
    let closed = matches!(peer.state, LinkState::Closed(_));
    let kind = if peer.direct { "direct link" } else { "relay" };
    let actions = peer.direct.then(|| {
        if closed {
            view! {
                <button type="button" class="button small" on:click=move |_| sync.forget(key)>
                    "Forget"
                </button>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="button small" on:click=move |_| sync.disconnect(key)>
                    "Disconnect"
                </button>
            }
            .into_any()
        }
    });
    view! {
        <li class="peer" data-testid="peer" data-name=peer_name(&peer)>
            <span class="peer-name">{peer_name(&peer)}</span>
            <span class="item-meta">
                {format!(" · {kind} · shares {} · ", what_it_carries(peer.shares.as_ref()))}
            </span>
            <span data-testid="peer-standing">{peer_standing(&peer)}</span>
            " "
            {actions}
        </li>
    }
}

/// The documents a pairing may share: the whole workspace, or one opened document.
fn share_choices(
    state: &WorkspaceState,
    plans: &PlansState,
    reviews: &ReviewsState,
) -> Vec<(String, String)> {
    let mut choices = vec![("workspace".to_owned(), "The whole workspace".to_owned())];
    let mut ids: Vec<DocumentId> = plans.opened.with(|o| o.keys().copied().collect());
    ids.extend(
        reviews
            .reviews
            .opened
            .with(|o| o.keys().copied().collect::<Vec<_>>()),
    );
    ids.extend(
        reviews
            .check_ins
            .opened
            .with(|o| o.keys().copied().collect::<Vec<_>>()),
    );
    for id in ids {
        choices.push((id.url(), super::document_name(state, plans, reviews, id)));
    }
    choices
}

/// What one step of pairing shows.
#[derive(Clone, PartialEq)]
enum Step {
    Start,
    /// This device's offer is shown; the answer is awaited.
    Offering(String),
    /// This device answered an offer from the named device; its answer is shown.
    Answering {
        answer: String,
        from: String,
    },
    /// Linked to the named device.
    Linked(String),
}

#[component]
fn PairDevice() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let plans = expect_context::<PlansState>();
    let reviews = expect_context::<ReviewsState>();
    let sync = expect_context::<SyncState>();
    let query = use_query_map();
    // A plan or review page links here with `?pair=<its url>` to share just that.
    let chosen = RwSignal::new(
        query
            .with_untracked(|q| q.get("pair"))
            .unwrap_or_else(|| "workspace".to_owned()),
    );
    let step = RwSignal::new(Step::Start);
    let offer = StoredValue::new_local(None::<Rc<PairingOffer>>);
    let typed = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);

    let show_offer = move |()| {
        let shares = match chosen.get_untracked().as_str() {
            "workspace" => Shares::Workspace,
            url => match DocumentId::from_url(url) {
                Ok(id) => Shares::Documents(vec![id]),
                Err(error) => return message.set(Some(Err(error.to_string()))),
            },
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            match sync.make_offer(shares).await {
                Ok(made) => {
                    step.set(Step::Offering(made.text().to_owned()));
                    offer.set_value(Some(Rc::new(made)));
                }
                Err(error) => message.set(Some(Err(error))),
            }
            busy.set(false);
        });
    };
    // One field takes either code: an answer completes this device's offer, an offer
    // is answered.
    let use_code = move |code: String| {
        if code.trim().is_empty() {
            return message.set(Some(Err(
                "Paste or scan the other device’s code first.".into()
            )));
        }
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            // An offer of another whole workspace, on a device with none of its own
            // yet: join that workspace, then answer (after the reload that opens it).
            // (When this device has a workspace of its own, joining is refused, and the
            // answer below says why the code cannot be used.)
            if let Some(joins) = sync.joinable(&code) {
                if state.join(joins).await.is_ok() {
                    let page = format!(
                        "/?answer={}",
                        String::from(js_sys::encode_uri_component(code.trim()))
                    );
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().set_href(&crate::ui::href(&page));
                    }
                    return;
                }
            }
            let pending = offer.get_value();
            let result = match (&pending, step.get_untracked()) {
                (Some(made), Step::Offering(_)) => {
                    sync.complete_offer(made, &code).await.map(Step::Linked)
                }
                _ => sync
                    .answer_offer(&code)
                    .await
                    .map(|(answer, from)| Step::Answering { answer, from }),
            };
            match result {
                Ok(next) => {
                    typed.set(String::new());
                    step.set(next);
                }
                Err(error) => message.set(Some(Err(error))),
            }
            busy.set(false);
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        use_code(typed.get_untracked());
    };
    let start_again = move |_| {
        offer.set_value(None);
        step.set(Step::Start);
        message.set(None);
    };
    let choices = move || share_choices(&state, &plans, &reviews);
    let code_label = move || match step.get() {
        Step::Offering(_) => "The other device’s answer",
        _ => "A code from another device",
    };

    view! {
        <h3>"Pair a device"</h3>
        {move || match step.get() {
            Step::Start => {
                view! {
                    <p>
                        "On one device, choose what to share and show its code; on the other, enter or scan that code and show the answer back."
                    </p>
                    <label for="pair-shares">"Share"</label>
                    <select
                        id="pair-shares"
                        data-testid="pair-shares"
                        on:change=move |ev| chosen.set(event_target_value(&ev))
                        prop:value=move || chosen.get()
                    >
                        {move || {
                            choices()
                                .into_iter()
                                .map(|(value, label)| {
                                    let selected = chosen.get_untracked() == value;
                                    view! {
                                        <option value=value selected=selected>
                                            {label}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                    <KnownDeviceList again=Callback::new(move |value: String| {
                        chosen.set(value);
                        show_offer(());
                    }) />
                    <div class="form-actions">
                        <button
                            type="button"
                            class="button primary"
                            data-testid="show-pairing-code"
                            on:click=move |_| show_offer(())
                            disabled=move || busy.get()
                        >
                            "Show a pairing code"
                        </button>
                    </div>
                }
                    .into_any()
            }
            Step::Offering(code) => {
                view! {
                    <p>
                        "Scan this code on the other device, or type it there. It is valid for 10 minutes."
                    </p>
                    <PairingCodeView code=code />
                }
                    .into_any()
            }
            Step::Answering { answer, from } => {
                view! {
                    <p data-testid="pair-answering">
                        {format!(
                            "Answering {from}. Show this answer to {from}: it connects as soon as that device reads it.",
                        )}
                    </p>
                    <PairingCodeView code=answer />
                    <button type="button" class="button" on:click=start_again>
                        "Done"
                    </button>
                }
                    .into_any()
            }
            Step::Linked(name) => {
                view! {
                    <p class="form-ok" role="status" data-testid="pair-linked">
                        {format!("Linked to {name}.")}
                    </p>
                    <button type="button" class="button" on:click=start_again>
                        "Pair another device"
                    </button>
                }
                    .into_any()
            }
        }}
        <Show when=move || !matches!(step.get(), Step::Answering { .. } | Step::Linked(_))>
            <form class="form" on:submit=submit>
                <label for="pair-code">{code_label}</label>
                <textarea
                    id="pair-code"
                    rows="3"
                    data-testid="pair-code-input"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=typed
                ></textarea>
                <div class="form-actions">
                    <button
                        type="submit"
                        class="button primary"
                        data-testid="use-pairing-code"
                        disabled=move || busy.get()
                    >
                        "Use this code"
                    </button>
                    <QrScanner on_code=Callback::new(move |code: String| use_code(code)) />
                    <Show when=move || matches!(step.get(), Step::Offering(_))>
                        <button type="button" class="button" on:click=start_again>
                            "Cancel"
                        </button>
                    </Show>
                </div>
            </form>
        </Show>
        <FormMessage message=message test_id="pair-message" />
    }
}

/// The devices linked before and not linked now, each with "Pair again" (a new offer
/// sharing what the last link shared; `again` gets the share choice's value) and
/// "Forget".
#[component]
fn KnownDeviceList(again: Callback<String>) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let sync = expect_context::<SyncState>();
    let rows = move || {
        let linked: Vec<String> = sync.peers.with(|peers| {
            peers
                .iter()
                .filter(|p| p.is_open_link())
                .map(|p| p.name.clone())
                .collect()
        });
        sync.known.with(|known| {
            known
                .devices()
                .iter()
                .filter(|d| !linked.contains(&d.name))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !rows().is_empty()>
            <h4>"Paired before"</h4>
            <p class="item-meta">
                "A browser cannot reopen a direct link by itself: pair again and read the new code on that device."
            </p>
            <ul class="peer-list" data-testid="known-devices">
                <For
                    each=rows
                    key=|device| (device.name.clone(), device.last_linked as i64)
                    let:device
                >
                    {
                        let name = device.name.clone();
                        let forget_name = name.clone();
                        let choice = match device.shared() {
                            None => "workspace".to_owned(),
                            Some(ids) => {
                                ids.first()
                                    .map(|id| id.url())
                                    .unwrap_or_else(|| "workspace".to_owned())
                            }
                        };
                        let shares = match device.shared() {
                            None => Shares::Workspace,
                            Some(ids) => Shares::Documents(ids),
                        };
                        view! {
                            <li class="peer" data-testid="known-device">
                                <span class="peer-name">{name.clone()}</span>
                                <span class="item-meta">
                                    {format!(
                                        " · shared {} · last linked {} ",
                                        what_it_carries(Some(&shares)),
                                        crate::ui::format::date_time(device.last_linked as i64),
                                    )}
                                </span>
                                <button
                                    type="button"
                                    class="button small"
                                    on:click=move |_| again.run(choice.clone())
                                >
                                    {format!("Pair again with {name}")}
                                </button>
                                <button
                                    type="button"
                                    class="button small"
                                    on:click=move |_| sync.forget_known(&forget_name, &state.repo())
                                >
                                    "Forget"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}
