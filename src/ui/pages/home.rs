//! Home: on first start, naming the organisation; afterwards, the workspace at a glance.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::components::CollaborativeText;
use crate::ui::{href, WorkspaceState};

#[component]
pub fn HomePage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    move || {
        if state.workspace.with(|ws| ws.needs_name()) {
            view! { <NameOrganisation/> }.into_any()
        } else {
            view! { <Overview/> }.into_any()
        }
    }
}

#[component]
fn NameOrganisation() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = name.get();
        error.set(
            state
                .edit("Name the organisation", |ws| ws.rename(&typed))
                .err(),
        );
    };
    view! {
        <section class="page welcome" aria-labelledby="welcome-heading">
            <h1 id="welcome-heading">"Welcome to Throughline"</h1>
            <p>"Plan where your organisation is going and help its people get there. Everything you enter is kept on this device and works without a network."</p>
            <form class="card form" on:submit=submit aria-label="Name your organisation">
                <label for="organisation-name">"What is your organisation called?"</label>
                <input id="organisation-name" name="organisation" type="text" required autocomplete="organization" bind:value=name/>
                {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button primary">"Continue"</button>
                </div>
            </form>
            <p>
                "Joining a workspace that is on another device? "
                <a href=crate::ui::href("/settings#devices") data-testid="join-nearby">"Pair with that device"</a>
                " (no internet needed), or open the link it shares."
            </p>
        </section>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let organisation = move || state.workspace.with(|ws| ws.organisation.clone());
    let people = move || state.workspace.with(|ws| ws.people.len());
    let teams = move || state.workspace.with(|ws| ws.teams.len());
    let plans = move || state.workspace.with(|ws| ws.plans.len());
    let without_manager = move || {
        state
            .workspace
            .with(|ws| ws.people.values().filter(|p| p.manager.is_none()).count())
    };
    view! {
        <section class="page" aria-labelledby="home-heading">
            <header class="page-header">
                <h1 id="home-heading">{organisation}</h1>
                <p class="page-summary">"Your workspace on this device."</p>
            </header>
            <div class="card about">
                <CollaborativeText
                    id="organisation-about"
                    label=format!("About {}", organisation())
                    value=Signal::derive(move || state.workspace.with(|ws| ws.about_text().to_owned()))
                    on_input=Callback::new(move |text: String| {
                        // Setting text cannot be refused; an error here would be a bug.
                        let _ = state.edit("Edit the description", |ws| {
                            ws.set_about(&text);
                            Ok::<_, std::convert::Infallible>(())
                        });
                    })
                    placeholder="What the organisation is for, who it serves, what it values."
                />
            </div>
            <div class="tiles">
                <A href=href("/people") attr:class="tile">
                    <span class="tile-figure" data-testid="people-count">{people}</span>
                    <span class="tile-label">"People"</span>
                    <span class="tile-note">{move || format!("{} without a manager", without_manager())}</span>
                </A>
                <A href=href("/people") attr:class="tile">
                    <span class="tile-figure">{teams}</span>
                    <span class="tile-label">"Teams"</span>
                </A>
                <A href=href("/plans") attr:class="tile">
                    <span class="tile-figure" data-testid="plans-count">{plans}</span>
                    <span class="tile-label">"Strategic plans"</span>
                </A>
                <A href=href("/reviews") attr:class="tile">
                    <span class="tile-figure">"0"</span>
                    <span class="tile-label">"Review cycles"</span>
                </A>
            </div>
        </section>
    }
}
