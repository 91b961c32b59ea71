//! Calibration meeting mode: a cycle's 9-box (performance × potential) and its rating
//! distribution, for a tablet or a shared screen. A person is moved between boxes by
//! dragging their card (pointer events, so touch works as a mouse does) or by keyboard
//! (the card takes the arrow keys). A move writes the overall rating and potential back
//! into that person's review with a note of who moved them; several people in the room
//! can move people at once and their moves merge.

use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use super::cycle::{cycle_documents, cycle_param, each_review, names, person_name};
use crate::model::review::{Distribution, NineBox};
use crate::store::{now_millis, DocumentId};
use crate::ui::components::drop_zone_at;
use crate::ui::{href, ReviewsState, WorkspaceState};

/// A card on the board: review document id, name, box (if placed), whether I may move it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Card {
    id: String,
    name: String,
    placed: Option<NineBox>,
    movable: bool,
    rating: String,
}

/// The drag under way: which card, where the pointer went down.
#[derive(Clone, Copy, PartialEq)]
struct Drag {
    from: (f64, f64),
}

#[component]
pub fn CalibrationPage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let reviews = expect_context::<ReviewsState>();
    let cycle = cycle_param();
    Effect::new(move |_| reviews.open_cycle(&cycle.get()));
    let documents = cycle_documents(cycle);
    let names = names();
    let name = move || {
        state
            .workspace
            .with(|ws| ws.cycles.get(&cycle.get()).map(|c| c.name.clone()))
    };
    let announcement = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    // Cards are read straight from each review (no copies of whole reviews), so a move
    // costs one pass over small cards.
    let cards = Memo::new(move |_| {
        let access = identity.access.get();
        let mut cards = each_review(documents, names, |names, id, review| {
            // Only people whose ratings this person may see are placed at all.
            if !access.may_see_ratings_of(&review.employee) {
                return None;
            }
            // The rule is the model's (`review::stage::check_act`), as for every right.
            let movable = crate::model::review::check_act(
                crate::model::review::Act::Calibrate,
                review.stage,
                access.capacity_on(review),
            )
            .is_ok();
            Some(Card {
                name: names.of(&review.employee),
                placed: review.placement(),
                movable,
                rating: review
                    .overall
                    .map(|v| review.scale.describe(v))
                    .unwrap_or_default(),
                id: id.to_string(),
            })
        });
        cards.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        cards
    });
    let distribution = Memo::new(move |_| {
        documents.with(|documents| {
            let mut scale = None;
            let mut overall = Vec::new();
            for document in documents.iter().filter_map(|(_, d)| d.as_ref()) {
                document.view.with(|review| {
                    if let Some(review) = review {
                        if scale.is_none() {
                            scale = Some(review.scale.clone());
                        }
                        overall.push(review.overall);
                    }
                });
            }
            scale.map(|scale| {
                let distribution = Distribution::of_ratings(&scale, overall);
                (scale, distribution)
            })
        })
    });

    // One move: write the box back into the review, then say what happened.
    let move_to = Callback::new(move |(id, to): (String, NineBox)| {
        let Some(me) = state.me.get_untracked() else {
            return error.set(Some(
                "This device does not act as anyone yet: claim the workspace or join it with an invitation under Settings → You.".to_owned(),
            ));
        };
        let Some(document) = id
            .parse::<DocumentId>()
            .ok()
            .and_then(|doc| reviews.reviews.get(&doc))
        else {
            return;
        };
        let who = state.my_name().unwrap_or_default();
        let result = reviews.edit_review(document, "Calibrate", |review| {
            // The rules are read in place, not cloned (those of someone over hundreds of
            // people hold all their names), and only for this: no guard is held while
            // the edit writes.
            let capacity = identity.access.with_untracked(|a| a.capacity_on(review));
            let actor = crate::model::review::Actor {
                person: &me,
                capacity,
            };
            review.calibrate(actor, to, &who, now_millis())
        });
        match result {
            Ok(()) => {
                let name = document
                    .view
                    .with_untracked(|r| r.as_ref().map(|r| person_name(&state, &r.employee)))
                    .unwrap_or_default();
                announcement.set(format!(
                    "{name} moved to {} ({}).",
                    to.name(),
                    to.performance.label()
                ));
                error.set(None);
                refocus(&id);
            }
            Err(reason) => error.set(Some(reason)),
        }
    });

    let in_box = move |placed: Option<NineBox>| {
        cards.with(|cards| {
            cards
                .iter()
                .filter(|c| c.placed == placed)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let boxes = NineBox::grid()
        .into_iter()
        .map(|nine_box| {
            let heading = format!(
                "{} · {}",
                nine_box.performance.label(),
                nine_box.potential.label()
            );
            // The box's name starts with its visible heading (label in name).
            let name = format!("{}: {heading}", nine_box.name());
            view! {
                <section class="nine-box-cell" data-box=nine_box.slug() aria-label=name>
                    <h3 class="nine-box-name">{nine_box.name()}</h3>
                    <p class="item-meta">{heading.clone()}</p>
                    <ul class="plain-list card-stack">
                        <For each=move || in_box(Some(nine_box)) key=|c| c.clone() let(card)>
                            <PersonCard card=card on_move=move_to />
                        </For>
                    </ul>
                </section>
            }
        })
        .collect_view();

    view! {
        <section class="page calibration" aria-labelledby="calibration-heading">
            <header class="page-header">
                <p class="breadcrumb">
                    <A href=href("/reviews")>"Reviews"</A>
                    " › "
                    <A href=move || href(
                        &format!("/reviews/cycles/{}", cycle.get()),
                    )>{move || name().unwrap_or_default()}</A>
                </p>
                <h1 id="calibration-heading">"Calibration"</h1>
                <p class="page-summary">
                    "Drag a person to another box, or focus their card and use the arrow keys: ←→ performance, ↑↓ potential. Each move is written back into their review, with your name."
                </p>
            </header>
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="form-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
            <p class="visually-hidden" role="status" aria-live="polite">
                {move || announcement.get()}
            </p>
            <div class="nine-box-frame">
                <p class="axis axis-potential" aria-hidden="true">
                    "Potential ↑"
                </p>
                <div class="nine-box" data-testid="nine-box">
                    {boxes}
                </div>
                <p class="axis axis-performance" aria-hidden="true">
                    "Performance →"
                </p>
            </div>
            <section class="card" aria-labelledby="unplaced-heading" data-box="unplaced">
                <h2 id="unplaced-heading">"Not placed yet"</h2>
                <p class="item-meta">
                    "People without both an overall rating and a potential. Drag them onto a box to rate them."
                </p>
                <ul class="plain-list card-stack" data-testid="unplaced">
                    <For each=move || in_box(None) key=|c| c.clone() let(card)>
                        <PersonCard card=card on_move=move_to />
                    </For>
                </ul>
            </section>
            <section class="card" aria-labelledby="distribution-heading">
                <h2 id="distribution-heading">"Rating distribution"</h2>
                {move || {
                    distribution
                        .get()
                        .map(|(scale, distribution)| {
                            let shares = distribution.shares();
                            view! {
                                <ul class="plain-list distribution" data-testid="distribution">
                                    {distribution
                                        .counts
                                        .iter()
                                        .zip(shares)
                                        .map(|((value, count), (_, share))| {
                                            view! {
                                                <li class="distribution-row">
                                                    <span class="distribution-label">
                                                        {scale.describe(*value)}
                                                    </span>
                                                    <span
                                                        class="distribution-bar"
                                                        style:width=format!("{share:.0}%")
                                                        aria-hidden="true"
                                                    ></span>
                                                    <span>{format!("{count} ({share:.0}%)")}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <p class="item-meta">
                                    {format!(
                                        "{} rated, {} not rated yet.",
                                        distribution.rated(),
                                        distribution.unrated,
                                    )}
                                </p>
                            }
                        })
                }}
            </section>
        </section>
    }
}

/// Focuses the card of review `id` once the board has re-rendered after a move.
fn refocus(id: &str) {
    let selector = format!("[data-review=\"{id}\"]");
    request_animation_frame(move || {
        let found = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(card) = found {
            let _ = card.focus();
        }
    });
}

#[component]
fn PersonCard(card: Card, on_move: Callback<(String, NineBox)>) -> impl IntoView {
    let drag = RwSignal::new(None::<Drag>);
    let offset = RwSignal::new((0.0_f64, 0.0_f64));
    let Card {
        id,
        name,
        placed,
        movable,
        rating,
    } = card;
    let skip = format!("[data-review=\"{id}\"]");
    let pointer_down = move |event: web_sys::PointerEvent| {
        if !movable || event.button() != 0 {
            return;
        }
        event.prevent_default();
        if let Some(element) = event
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = element.set_pointer_capture(event.pointer_id());
        }
        offset.set((0.0, 0.0));
        drag.set(Some(Drag {
            from: (f64::from(event.client_x()), f64::from(event.client_y())),
        }));
    };
    let pointer_move = move |event: web_sys::PointerEvent| {
        if let Some(current) = drag.get_untracked() {
            offset.set((
                f64::from(event.client_x()) - current.from.0,
                f64::from(event.client_y()) - current.from.1,
            ));
        }
    };
    let pointer_up = {
        let (id, skip) = (id.clone(), skip.clone());
        move |event: web_sys::PointerEvent| {
            if drag.get_untracked().is_none() {
                return;
            }
            drag.set(None);
            offset.set((0.0, 0.0));
            let zone = drop_zone_at(
                f64::from(event.client_x()),
                f64::from(event.client_y()),
                "data-box",
                &skip,
            );
            if let Some(to) = zone.as_deref().and_then(NineBox::from_slug) {
                if Some(to) != placed {
                    on_move.run((id.clone(), to));
                }
            }
        }
    };
    let cancel = move |_: web_sys::PointerEvent| {
        drag.set(None);
        offset.set((0.0, 0.0));
    };
    let key_down = {
        let id = id.clone();
        move |event: web_sys::KeyboardEvent| {
            if !movable {
                return;
            }
            // Unplaced people start from the middle box.
            let from = placed.unwrap_or(NineBox {
                performance: crate::model::review::Band::Moderate,
                potential: crate::model::review::Potential::Moderate,
            });
            let to = match event.key().as_str() {
                "ArrowLeft" => from.step(-1, 0),
                "ArrowRight" => from.step(1, 0),
                "ArrowUp" => from.step(0, 1),
                "ArrowDown" => from.step(0, -1),
                _ => return,
            };
            event.prevent_default();
            let to = if placed.is_none() { Some(from) } else { to };
            if let Some(to) = to {
                on_move.run((id.clone(), to));
            }
        }
    };
    let transform = move || {
        drag.get().map(|_| {
            let (x, y) = offset.get();
            format!("translate({x}px, {y}px)")
        })
    };
    // The card's accessible name is its text: the visible name and rating first (label in
    // name, WCAG 2.5.3), then what a screen reader needs that the card does not show.
    let unrated = if rating.is_empty() { ", not rated" } else { "" };
    let hint = if movable {
        format!("{unrated}. Drag or use the arrow keys to move.")
    } else {
        format!("{unrated} (not in calibration, or not yours to move)")
    };
    view! {
        <li>
            <button
                type="button"
                class="person-card"
                data-review=id.clone()
                class:dragging=move || drag.with(Option::is_some)
                aria-disabled=(!movable).to_string()
                style:transform=transform
                on:pointerdown=pointer_down
                on:pointermove=pointer_move
                on:pointerup=pointer_up
                on:pointercancel=cancel
                on:keydown=key_down
            >
                <span class="person-card-name">{name.clone()}</span>
                <span class="item-meta">{rating.clone()}</span>
                <span class="visually-hidden">{hint}</span>
            </button>
        </li>
    }
}
