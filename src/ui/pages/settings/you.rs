//! Settings → You: who uses this device, as the workspace's signed membership says, and
//! the two ways to change it: claiming a workspace nobody has claimed yet, and inviting
//! another device of one's own. Nobody is ever picked from a list.

use leptos::prelude::*;

use crate::model::access::Access;
use crate::model::identity::Role;
use crate::model::PersonId;
use crate::ui::components::{FormError, InvitationField, PersonPicker};
use crate::ui::{IdentityState, WorkspaceState};

#[component]
pub fn You() -> impl IntoView {
    let identity = expect_context::<IdentityState>();
    let access = identity.access;
    view! {
        <div class="card form" role="region" aria-labelledby="me-heading">
            <h2 id="me-heading">"You"</h2>
            {move || {
                identity
                    .problem
                    .get()
                    .map(|problem| {
                        view! {
                            <p class="form-error" role="alert" data-testid="identity-problem">
                                {problem}
                            </p>
                        }
                    })
            }}
            {move || {
                let access = access.get();
                if !access.claimed() {
                    view! { <Claim /> }.into_any()
                } else if access.removed() {
                    view! {
                        <p data-testid="identity" role="status">
                            "This device was removed from the workspace. It receives nothing new; what it already holds stays on it."
                        </p>
                    }
                        .into_any()
                } else if let Some(person) = access.person().cloned() {
                    view! { <Member person access /> }.into_any()
                } else {
                    view! {
                        <p data-testid="identity" role="status">
                            "This device is not a member of the workspace, so it can only read what it is shown. To join, open an invitation link from an admin on this device."
                        </p>
                    }
                        .into_any()
                }
            }}
            <p class="item-meta">
                {move || {
                    identity
                        .device
                        .map(|key| format!("This device's key: {}…", key.short()))
                        .unwrap_or_default()
                }}
            </p>
        </div>
    }
}

/// The workspace has no admin yet: whoever sets it up says who they are and claims it.
#[component]
fn Claim() -> impl IntoView {
    let identity = expect_context::<IdentityState>();
    let chosen = RwSignal::new(
        identity
            .chosen_before
            .get_value()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<String>);
    let claim = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let person = chosen.get_untracked();
        if person.is_empty() {
            return error.set(Some("Choose who you are first.".to_owned()));
        }
        error.set(identity.claim(&PersonId::from(person)).err());
    };
    view! {
        <form on:submit=claim aria-label="Claim this workspace">
            <p data-testid="identity">
                "Nobody has claimed this workspace yet. Whoever sets it up claims it on their device and becomes its first admin; everyone else joins with an invitation an admin sends them."
            </p>
            // Searchable: a workspace of a thousand people made by an earlier build is
            // claimed by typing a name, not by scrolling a thousand options.
            <PersonPicker
                id="claim-person".into()
                label="Who are you?"
                chosen=chosen
                none="Choose yourself"
            />
            <p class="item-meta">
                "Not listed? Add yourself on the People page first. Claiming signs, with this device's own key, that you are the workspace's first admin; the reporting lines already there are signed with it."
            </p>
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Claim this workspace"
                </button>
            </div>
            <FormError error=error />
        </form>
    }
}

/// A member: who they are, their roles, and another device of theirs.
#[component]
fn Member(person: PersonId, access: Access) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    let name = {
        let person = person.clone();
        Signal::derive(move || {
            state
                .workspace
                .with(|ws| ws.person(&person).map(|p| p.name.clone()))
                .unwrap_or_default()
        })
    };
    let roles: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|role| match role {
            Role::Admin => access.is_admin(),
            Role::Hr => access.is_hr(),
        })
        .map(Role::label)
        .collect();
    let roles = if roles.is_empty() {
        String::new()
    } else {
        format!(" ({})", roles.join(", "))
    };
    let invitation = RwSignal::new(None::<Result<String, String>>);
    let devices = {
        let person = person.clone();
        move || identity.membership(|m| m.map_or(0, |m| m.devices_of(&person).count()))
    };
    let add_device = move |_| invitation.set(Some(identity.invite(&person)));
    view! {
        <p data-testid="identity" role="status">
            {move || format!("You are {} on this device{roles}.", name.get())}
        </p>
        <p class="item-meta">
            {move || match devices() {
                1 => "This is your only device in the workspace.".to_owned(),
                n => format!("You have {n} devices in the workspace."),
            }}
        </p>
        <div class="form-actions">
            <button type="button" class="button" on:click=add_device>
                "Add another device of yours"
            </button>
        </div>
        {move || {
            invitation
                .get()
                .map(|made| match made {
                    Ok(link) => {
                        view! {
                            <InvitationField
                                link
                                for_whom=name.get()
                                id="own-device-invitation".to_owned()
                            />
                        }
                            .into_any()
                    }
                    Err(message) => {
                        view! {
                            <p class="form-error" role="alert">
                                {message}
                            </p>
                        }
                            .into_any()
                    }
                })
        }}
    }
}
