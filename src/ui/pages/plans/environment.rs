//! The environment analysis: the SWOT board and the PESTLE factors.
//!
//! An item on the board moves by drag and drop with a finger, pen or mouse (pointer
//! events on its handle, so touch works the same as a mouse) and by keyboard (its handle
//! takes the arrow keys). Each move is one change.

use leptos::prelude::*;

use crate::model::Choice;
use wasm_bindgen::JsCast;

use crate::model::plan::{Level, PestleCategory, Plan, Quadrant};
use crate::model::ItemId;
use crate::ui::PlanDocument;

#[component]
pub fn EnvironmentSection() -> impl IntoView {
    view! {
        <SwotBoard />
        <PestleFactors />
    }
}

/// Where a dragged item would land: the quadrant and index (among the others).
type DropTarget = (Quadrant, usize);

/// The drag under way: the item and where the pointer went down.
#[derive(Clone, PartialEq)]
struct Drag {
    item: ItemId,
    from: (f64, f64),
}

/// The objectives of the plan, in order, for the link lists.
fn objective_choices(plan: &Plan) -> Vec<(ItemId, String)> {
    plan.goals_in_order()
        .into_iter()
        .flat_map(|(goal, _)| plan.objectives_of(goal))
        .map(|(id, o)| (id.clone(), o.title.clone()))
        .collect()
}

/// Focuses the handle of `item` once the board has re-rendered after a move.
fn refocus(item: &ItemId) {
    let selector = format!("[data-id=\"{item}\"] .drag-handle");
    request_animation_frame(move || {
        let found = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(handle) = found {
            let _ = handle.focus();
        }
    });
}

/// The quadrant and index under the point (x, y), ignoring the dragged item itself.
fn target_at(x: f64, y: f64, dragged: &ItemId, plan: &Plan) -> Option<DropTarget> {
    let document = web_sys::window()?.document()?;
    let elements = document.elements_from_point(x as f32, y as f32);
    let dragged_id = dragged.to_string();
    for element in elements.iter() {
        let Ok(element) = element.dyn_into::<web_sys::Element>() else {
            continue;
        };
        if element
            .closest(&format!("[data-id=\"{dragged_id}\"]"))
            .ok()
            .flatten()
            .is_some()
        {
            continue;
        }
        let quadrant_element = element.closest("[data-quadrant]").ok().flatten()?;
        let quadrant = Quadrant::from_slug(&quadrant_element.get_attribute("data-quadrant")?)?;
        let others: Vec<ItemId> = plan
            .swot_in(quadrant)
            .into_iter()
            .map(|(id, _)| id.clone())
            .filter(|id| id != dragged)
            .collect();
        let over_item = element
            .closest("li[data-id]")
            .ok()
            .flatten()
            .and_then(|li| {
                let id = ItemId::from(li.get_attribute("data-id")?);
                let index = others.iter().position(|o| *o == id)?;
                let rect = li.get_bounding_client_rect();
                Some(if y > rect.top() + rect.height() / 2.0 {
                    index + 1
                } else {
                    index
                })
            });
        return Some((quadrant, over_item.unwrap_or(others.len())));
    }
    None
}

#[component]
fn SwotBoard() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let announcement = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let drag = RwSignal::new(None::<Drag>);
    let offset = RwSignal::new((0.0_f64, 0.0_f64));
    let target = RwSignal::new(None::<DropTarget>);

    let move_item = move |id: ItemId, quadrant: Quadrant, to: usize| {
        let result = document.edit("Move a SWOT item", |plan| {
            plan.move_swot_item(&id, quadrant, to)
        });
        match result {
            Ok(()) => {
                let (position, count) = document.view.with_untracked(|p| {
                    p.as_ref()
                        .map(|p| {
                            let list = p.swot_in(quadrant);
                            (
                                list.iter().position(|(i, _)| **i == id).unwrap_or(0) + 1,
                                list.len(),
                            )
                        })
                        .unwrap_or((0, 0))
                });
                announcement.set(format!(
                    "Moved to {}, position {position} of {count}.",
                    quadrant.label()
                ));
                error.set(None);
                refocus(&id);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };

    let quadrant_view = move |quadrant: Quadrant| {
        let heading_id = format!("swot-{}", quadrant.slug());
        let labelled_by = heading_id.clone();
        // Kept as typed until added (per quadrant): a closed tab loses nothing.
        let draft = crate::ui::Draft::new(format!("swot:{}:{}", document.id, quadrant.slug()));
        let new_text = draft.text();
        let add = move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let text = new_text.get_untracked();
            match document.edit(
                &format!("Add to {}", quadrant.label().to_lowercase()),
                |plan| plan.add_swot_item(quadrant, &text),
            ) {
                Ok(_) => {
                    draft.clear();
                    error.set(None);
                }
                Err(reason) => error.set(Some(reason)),
            }
        };
        let items = move || {
            document.view.with(|p| {
                p.as_ref()
                    .map(|p| {
                        let links = objective_choices(p);
                        p.swot_in(quadrant)
                            .into_iter()
                            .enumerate()
                            .map(|(index, (id, item))| {
                                let linked: Vec<(ItemId, String, bool)> = links
                                    .iter()
                                    .map(|(o, title)| {
                                        (o.clone(), title.clone(), item.objectives.contains_key(o))
                                    })
                                    .collect();
                                (id.clone(), item.text.clone(), index, linked)
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        };
        let input_id = format!("swot-new-{}", quadrant.slug());
        view! {
            <section
                class="swot-quadrant"
                data-quadrant=quadrant.slug()
                aria-labelledby=labelled_by
                class:drop-target=move || target.get().is_some_and(|(q, _)| q == quadrant)
            >
                <h3 id=heading_id>{quadrant.label()}</h3>
                <ul class="swot-items">
                    <For each=items key=|row| row.clone() let:row>
                        {
                            let (id, text, index, linked) = row;
                            view! {
                                <SwotItemRow
                                    id=id
                                    text=text
                                    index=index
                                    quadrant=quadrant
                                    linked=linked
                                    drag=drag
                                    offset=offset
                                    target=target
                                    on_move=Callback::new(move |(id, q, to)| move_item(id, q, to))
                                    error=error
                                />
                            }
                        }
                    </For>
                </ul>
                <form
                    class="inline-form"
                    on:submit=add
                    aria-label=format!("Add to {}", quadrant.label())
                >
                    <label for=input_id.clone() class="visually-hidden">
                        {format!("New item in {}", quadrant.label())}
                    </label>
                    <input
                        id=input_id
                        type="text"
                        autocomplete="off"
                        bind:value=new_text
                        placeholder="Add an item…"
                    />
                    <button type="submit" class="button">
                        "Add"
                    </button>
                </form>
            </section>
        }
    };

    view! {
        <section class="card" aria-labelledby="swot-heading">
            <h2 id="swot-heading">"SWOT"</h2>
            <p class="item-meta" id="swot-help">
                "Drag an item by its handle to reorder it or move it to another quadrant. With the keyboard, focus the handle: ↑ and ↓ reorder, ← and → move it to the previous or next quadrant."
            </p>
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
            <div class="swot-board">
                {Quadrant::ALL.into_iter().map(quadrant_view).collect_view()}
            </div>
            <p class="visually-hidden" role="status" aria-live="polite">
                {move || announcement.get()}
            </p>
        </section>
    }
}

#[component]
fn SwotItemRow(
    id: ItemId,
    text: String,
    index: usize,
    quadrant: Quadrant,
    linked: Vec<(ItemId, String, bool)>,
    drag: RwSignal<Option<Drag>>,
    offset: RwSignal<(f64, f64)>,
    target: RwSignal<Option<DropTarget>>,
    on_move: Callback<(ItemId, Quadrant, usize)>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(text.clone());
    let me = id.clone();
    let is_dragged = {
        let me = me.clone();
        move || drag.with(|d| d.as_ref().is_some_and(|d| d.item == me))
    };
    let transform = {
        let is_dragged = is_dragged.clone();
        move || {
            if is_dragged() {
                let (x, y) = offset.get();
                format!("translate({x}px, {y}px)")
            } else {
                String::new()
            }
        }
    };

    let pointer_down = {
        let id = id.clone();
        move |event: web_sys::PointerEvent| {
            if event.button() != 0 {
                return;
            }
            event.prevent_default();
            if let Some(handle) = event
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                let _ = handle.set_pointer_capture(event.pointer_id());
            }
            offset.set((0.0, 0.0));
            drag.set(Some(Drag {
                item: id.clone(),
                from: (f64::from(event.client_x()), f64::from(event.client_y())),
            }));
        }
    };
    let pointer_move = {
        let id = id.clone();
        move |event: web_sys::PointerEvent| {
            let Some(current) = drag.get_untracked().filter(|d| d.item == id) else {
                return;
            };
            let (x, y) = (f64::from(event.client_x()), f64::from(event.client_y()));
            offset.set((x - current.from.0, y - current.from.1));
            let found = document
                .view
                .with_untracked(|p| p.as_ref().and_then(|p| target_at(x, y, &id, p)));
            target.set(found);
        }
    };
    let pointer_up = {
        let id = id.clone();
        move |event: web_sys::PointerEvent| {
            if drag.get_untracked().is_none_or(|d| d.item != id) {
                return;
            }
            let (x, y) = (f64::from(event.client_x()), f64::from(event.client_y()));
            let found = document
                .view
                .with_untracked(|p| p.as_ref().and_then(|p| target_at(x, y, &id, p)))
                .or(target.get_untracked());
            drag.set(None);
            target.set(None);
            offset.set((0.0, 0.0));
            if let Some((quadrant, to)) = found {
                on_move.run((id.clone(), quadrant, to));
            }
        }
    };
    let cancel = move |_: web_sys::PointerEvent| {
        drag.set(None);
        target.set(None);
        offset.set((0.0, 0.0));
    };
    let key_down = {
        let id = id.clone();
        move |event: web_sys::KeyboardEvent| {
            let position = Quadrant::ALL
                .iter()
                .position(|q| *q == quadrant)
                .unwrap_or(0);
            let count = document
                .view
                .with_untracked(|p| p.as_ref().map_or(0, |p| p.swot_in(quadrant).len()));
            let to = match event.key().as_str() {
                "ArrowUp" if index > 0 => Some((quadrant, index - 1)),
                "ArrowDown" if index + 1 < count => Some((quadrant, index + 1)),
                "ArrowLeft" => Some((Quadrant::ALL[(position + 3) % 4], usize::MAX)),
                "ArrowRight" => Some((Quadrant::ALL[(position + 1) % 4], usize::MAX)),
                _ => None,
            };
            if let Some((quadrant, to)) = to {
                event.prevent_default();
                on_move.run((id.clone(), quadrant, to));
            }
        }
    };
    let save = {
        let id = id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let text = draft.get_untracked();
            match document.edit("Edit a SWOT item", |plan| plan.edit_swot_item(&id, &text)) {
                Ok(()) => editing.set(false),
                Err(reason) => error.set(Some(reason)),
            }
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            error.set(
                document
                    .edit("Remove a SWOT item", |plan| plan.remove_swot_item(&id))
                    .err(),
            );
        }
    };
    let link_count = linked.iter().filter(|(_, _, on)| *on).count();
    let links = linked
        .into_iter()
        .map(|(objective, title, on)| {
            let item = id.clone();
            let box_id = format!("link-{item}-{objective}");
            view! {
                <li class="check">
                    <input
                        type="checkbox"
                        id=box_id.clone()
                        checked=on
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            error
                                .set(
                                    document
                                        .edit(
                                            "Link an objective",
                                            |plan| plan.link(&item, &objective, checked),
                                        )
                                        .err(),
                                );
                        }
                    />
                    <label for=box_id>{title}</label>
                </li>
            }
        })
        .collect_view();
    let label = format!("Move “{text}”");
    let edit_id = format!("edit-{id}");

    view! {
        <li
            class="swot-item"
            data-id=id.to_string()
            class:dragging=is_dragged
            style:transform=transform
        >
            <button
                type="button"
                class="drag-handle"
                aria-label=label
                aria-describedby="swot-help"
                on:pointerdown=pointer_down
                on:pointermove=pointer_move
                on:pointerup=pointer_up
                on:pointercancel=cancel
                on:keydown=key_down
            >
                <span aria-hidden="true">"⠿"</span>
            </button>
            <Show
                when=move || editing.get()
                fallback={
                    let text = text.clone();
                    move || view! { <span class="swot-text">{text.clone()}</span> }
                }
            >
                <form class="inline-form" on:submit=save.clone()>
                    <label for=edit_id.clone() class="visually-hidden">
                        "Item text"
                    </label>
                    <input id=edit_id.clone() type="text" bind:value=draft />
                    <button type="submit" class="button">
                        "Save"
                    </button>
                    <button type="button" class="button" on:click=move |_| editing.set(false)>
                        "Cancel"
                    </button>
                </form>
            </Show>
            <div class="swot-actions">
                <details class="links">
                    <summary>{format!("Objectives ({link_count})")}</summary>
                    <ul class="check-list">{links}</ul>
                </details>
                <button type="button" class="button small" on:click=move |_| editing.set(true)>
                    "Edit"
                </button>
                <button type="button" class="button small danger" on:click=remove>
                    "Remove"
                </button>
            </div>
        </li>
    }
}

#[component]
fn PestleFactors() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let category = RwSignal::new(PestleCategory::Political);
    // The factor's text is kept as typed until it is added or saved: a reload or a
    // closed tab loses none of it (a factor being edited is kept the same way).
    let draft = crate::ui::Draft::new(format!("pestle:{}", document.id));
    let text = draft.text();
    let impact = RwSignal::new(Level::Medium);
    let likelihood = RwSignal::new(Level::Medium);
    let error = RwSignal::new(None::<String>);
    // The factor being edited in the form, or `None` when the form adds one.
    let editing = RwSignal::new(None::<ItemId>);
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (c, t, i, l) = (
            category.get_untracked(),
            text.get_untracked(),
            impact.get_untracked(),
            likelihood.get_untracked(),
        );
        let result = match editing.get_untracked() {
            Some(id) => document.edit("Edit a PESTLE factor", |plan| {
                plan.update_pestle_factor(&id, c, &t, i, l)
            }),
            None => document.edit("Add a PESTLE factor", |plan| {
                plan.add_pestle_factor(c, &t, i, l).map(|_| ())
            }),
        };
        match result {
            Ok(()) => {
                draft.clear();
                editing.set(None);
                error.set(None);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    let start_editing = move |id: ItemId| {
        let found = document
            .view
            .with_untracked(|p| p.as_ref().and_then(|p| p.pestle.get(&id).cloned()));
        if let Some(factor) = found {
            category.set(factor.category);
            text.set(factor.text);
            impact.set(factor.impact);
            likelihood.set(factor.likelihood);
            editing.set(Some(id));
        }
    };
    let rows = move || {
        document.view.with(|p| {
            p.as_ref()
                .map(|p| {
                    let choices = objective_choices(p);
                    p.pestle_in_order()
                        .into_iter()
                        .map(|(id, f)| {
                            let linked: Vec<String> = choices
                                .iter()
                                .filter(|(o, _)| f.objectives.contains_key(o))
                                .map(|(_, t)| t.clone())
                                .collect();
                            (
                                id.clone(),
                                f.category,
                                f.text.clone(),
                                f.impact,
                                f.likelihood,
                                linked,
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let level_select = |id: &'static str, value: RwSignal<Level>| {
        view! {
            <select
                id=id
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some(l) = Level::from_key(&chosen) {
                        value.set(l)
                    }
                }
            >
                {Level::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.key() selected=move || value.get() == l>
                                {l.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
    };
    view! {
        <section class="card" aria-labelledby="pestle-heading">
            <h2 id="pestle-heading">"PESTLE"</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label="PESTLE factors">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Factor"</th>
                            <th scope="col">"Impact"</th>
                            <th scope="col">"Likelihood"</th>
                            <th scope="col">"Answered by"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|row| format!("{row:?}") let:row>
                            {
                                let (id, category, text, impact, likelihood, linked) = row;
                                let remove_label = format!("Remove “{text}”");
                                let edit_label = format!("Edit “{text}”");
                                let edit_id = id.clone();
                                view! {
                                    <tr>
                                        <td>{category.label()}</td>
                                        <td>{text}</td>
                                        <td>{impact.label()}</td>
                                        <td>{likelihood.label()}</td>
                                        <td>
                                            {if linked.is_empty() {
                                                "—".to_owned()
                                            } else {
                                                linked.join(", ")
                                            }}
                                        </td>
                                        <td class="item-actions">
                                            <button
                                                type="button"
                                                class="button small"
                                                aria-label=edit_label
                                                on:click=move |_| start_editing(edit_id.clone())
                                            >
                                                "Edit"
                                            </button>
                                            <button
                                                type="button"
                                                class="button small danger"
                                                aria-label=remove_label
                                                on:click=move |_| {
                                                    error
                                                        .set(
                                                            document
                                                                .edit(
                                                                    "Remove a PESTLE factor",
                                                                    |plan| plan.remove_pestle_factor(&id),
                                                                )
                                                                .err(),
                                                        )
                                                }
                                            >
                                                "Remove"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <form
                class="form"
                on:submit=add
                aria-label=move || {
                    if editing.get().is_some() {
                        "Edit a PESTLE factor"
                    } else {
                        "Add a PESTLE factor"
                    }
                }
            >
                <div class="form-grid">
                    <label for="pestle-category">"Category"</label>
                    <select
                        id="pestle-category"
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            if let Some(c) = PestleCategory::from_key(&chosen) {
                                category.set(c)
                            }
                        }
                    >
                        {PestleCategory::ALL
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <option value=c.key() selected=move || category.get() == c>
                                        {c.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <label for="pestle-text">"Factor"</label>
                    <input id="pestle-text" type="text" autocomplete="off" bind:value=text />
                    <label for="pestle-impact">"Impact"</label>
                    {level_select("pestle-impact", impact)}
                    <label for="pestle-likelihood">"Likelihood"</label>
                    {level_select("pestle-likelihood", likelihood)}
                </div>
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
                <div class="form-actions">
                    <button type="submit" class="button">
                        {move || if editing.get().is_some() { "Save factor" } else { "Add factor" }}
                    </button>
                    <Show when=move || editing.get().is_some()>
                        <button
                            type="button"
                            class="button"
                            on:click=move |_| {
                                editing.set(None);
                                draft.clear();
                            }
                        >
                            "Cancel"
                        </button>
                    </Show>
                </div>
            </form>
            <p class="item-meta">
                "Link a factor to the objectives that answer it from the objective's page under Goals."
            </p>
        </section>
    }
}
