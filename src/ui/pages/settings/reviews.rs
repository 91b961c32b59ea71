//! Settings → Reviews: HR's rating scales and review templates. A cycle copies the scale
//! and template it uses into each review, so editing them here never changes a review
//! already started.

use leptos::prelude::*;

use crate::model::review::{RatingScale, ReviewTemplate};
use crate::model::ItemId;
use crate::ui::WorkspaceState;

#[component]
pub fn ReviewSettings() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="review-settings-heading">
            <h2 id="review-settings-heading">"Reviews"</h2>
            <p class="item-meta">"Rating scales and review templates for review cycles. A cycle keeps its own copy, so changes here apply to cycles started afterwards."</p>
            <Scales/>
            <Templates/>
        </section>
    }
}

#[component]
fn Scales() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let scales = move || {
        state.workspace.with(|ws| {
            let mut scales: Vec<(ItemId, RatingScale)> = ws
                .scales
                .iter()
                .map(|(id, s)| (id.clone(), s.clone()))
                .collect();
            scales.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(&b.0)));
            scales
        })
    };
    let adding = RwSignal::new(false);
    view! {
        <h3>"Rating scales"</h3>
        <ul class="plain-list" data-testid="scales">
            <For each=scales key=|(id, scale)| (id.clone(), scale.clone()) let((id, scale))>
                <li><ScaleForm id=Some(id) scale=scale/></li>
            </For>
        </ul>
        <Show when=move || adding.get() fallback=move || view! {
            <button type="button" class="button" on:click=move |_| adding.set(true)>"Add a rating scale"</button>
        }>
            <ScaleForm id=None scale=RatingScale::five_point() on_done=Callback::new(move |()| adding.set(false))/>
        </Show>
    }
}

/// A scale's form: a new one (`id` None) or an existing one.
#[component]
fn ScaleForm(
    id: Option<ItemId>,
    scale: RatingScale,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let prefix = id
        .as_ref()
        .map_or("new-scale".to_owned(), |id| format!("scale-{id}"));
    let name = RwSignal::new(scale.name.clone());
    let levels = RwSignal::new(scale.to_lines());
    let message = RwSignal::new(None::<Result<String, String>>);
    let existing = id.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let result = RatingScale::parse(&name.get_untracked(), &levels.get_untracked())
            .map_err(|refused| refused.to_string())
            .and_then(|scale| {
                let label = format!("Save rating scale \"{}\"", scale.name);
                match existing.clone() {
                    Some(id) => state.edit(&label, move |ws| ws.update_scale(&id, scale)),
                    None => state.edit(&label, move |ws| {
                        ws.add_scale(scale);
                        Ok::<_, std::convert::Infallible>(())
                    }),
                }
            });
        if result.is_ok() {
            if let Some(done) = on_done {
                return done.run(());
            }
        }
        message.set(Some(result.map(|()| "Saved.".to_owned())));
    };
    let title = if id.is_some() {
        scale.name.clone()
    } else {
        "New rating scale".to_owned()
    };
    view! {
        <form class="form nested-form" on:submit=submit aria-label=format!("Rating scale: {title}")>
            <div class="form-grid">
                <label for=format!("{prefix}-name")>"Name"</label>
                <input id=format!("{prefix}-name") type="text" required bind:value=name/>
                <label for=format!("{prefix}-levels")>"Levels, one per line: value and label"</label>
                <textarea id=format!("{prefix}-levels") rows=5 bind:value=levels></textarea>
            </div>
            <crate::ui::components::FormMessage message=message/>
            <div class="form-actions">
                <button type="submit" class="button primary">"Save scale"</button>
                {on_done.map(|done| view! { <button type="button" class="button" on:click=move |_| done.run(())>"Cancel"</button> })}
            </div>
        </form>
    }
}

#[component]
fn Templates() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let templates = move || {
        state.workspace.with(|ws| {
            let mut templates: Vec<(ItemId, ReviewTemplate)> = ws
                .templates
                .iter()
                .map(|(id, t)| (id.clone(), t.clone()))
                .collect();
            templates.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(&b.0)));
            templates
        })
    };
    let adding = RwSignal::new(false);
    let example = ReviewTemplate::parse(
        "Annual review",
        "# Looking back\nWhat went well this year?\nWhat would you do differently?\n# Looking ahead\nWhat do you want to learn next? \nHow ready are you for more responsibility? [rating]",
        "Communication: clear, timely and kind\nOwnership: sees things through\nCollaboration: makes others better",
    )
    .unwrap_or_default();
    view! {
        <h3>"Review templates"</h3>
        <ul class="plain-list" data-testid="templates">
            <For each=templates key=|(id, t)| (id.clone(), t.clone()) let((id, template))>
                <li><TemplateForm id=Some(id) template=template/></li>
            </For>
        </ul>
        <Show when=move || adding.get() fallback=move || view! {
            <button type="button" class="button" on:click=move |_| adding.set(true)>"Add a review template"</button>
        }>
            <TemplateForm id=None template=example.clone() on_done=Callback::new(move |()| adding.set(false))/>
        </Show>
    }
}

#[component]
fn TemplateForm(
    id: Option<ItemId>,
    template: ReviewTemplate,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let prefix = id
        .as_ref()
        .map_or("new-template".to_owned(), |id| format!("template-{id}"));
    let name = RwSignal::new(template.name.clone());
    let outline = RwSignal::new(template.outline());
    let competencies = RwSignal::new(template.competency_lines());
    let message = RwSignal::new(None::<Result<String, String>>);
    let existing = id.clone();
    let title = if id.is_some() {
        template.name.clone()
    } else {
        "New review template".to_owned()
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let result = template
            .reparsed(
                &name.get_untracked(),
                &outline.get_untracked(),
                &competencies.get_untracked(),
            )
            .map_err(|refused| refused.to_string())
            .and_then(|parsed| {
                let label = format!("Save review template \"{}\"", parsed.name);
                match existing.clone() {
                    Some(id) => state.edit(&label, move |ws| ws.update_template(&id, parsed)),
                    None => state.edit(&label, move |ws| {
                        ws.add_template(parsed);
                        Ok::<_, std::convert::Infallible>(())
                    }),
                }
            });
        if result.is_ok() {
            if let Some(done) = on_done {
                return done.run(());
            }
        }
        message.set(Some(result.map(|()| "Saved.".to_owned())));
    };
    view! {
        <form class="form nested-form" on:submit=submit aria-label=format!("Review template: {title}")>
            <div class="form-grid">
                <label for=format!("{prefix}-name")>"Name"</label>
                <input id=format!("{prefix}-name") type="text" required bind:value=name/>
                <label for=format!("{prefix}-outline")>"Sections and questions"</label>
                <textarea id=format!("{prefix}-outline") rows=7 bind:value=outline aria-describedby=format!("{prefix}-outline-help")></textarea>
                <p id=format!("{prefix}-outline-help") class="item-meta">"A line starting with # opens a section; every other line is a question. End a question with [rating] to rate it on the scale."</p>
                <label for=format!("{prefix}-competencies")>"Competencies, one per line (name: description)"</label>
                <textarea id=format!("{prefix}-competencies") rows=4 bind:value=competencies></textarea>
            </div>
            <crate::ui::components::FormMessage message=message/>
            <div class="form-actions">
                <button type="submit" class="button primary">"Save template"</button>
                {on_done.map(|done| view! { <button type="button" class="button" on:click=move |_| done.run(())>"Cancel"</button> })}
            </div>
        </form>
    }
}
