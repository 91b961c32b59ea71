//! Who has access (admins only): each person's roles, devices and invitation, and the
//! membership statements every device ignores, with why. Every change here is a
//! statement signed by this device's key (`IdentityState`).

use leptos::prelude::*;

use crate::model::identity::{Act, DeviceKey, Role};
use crate::model::PersonId;
use crate::ui::components::{FormError, InvitationField};
use crate::ui::{IdentityState, WorkspaceState};

/// One person's row, as shown.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Row {
    id: PersonId,
    name: String,
    admin: bool,
    hr: bool,
    devices: Vec<DeviceKey>,
    /// Invitations for them that may still be accepted (their one-time keys).
    open_invitations: Vec<DeviceKey>,
    /// "Joined", "Invited" or "Not invited".
    status: &'static str,
}

#[component]
pub fn AccessAdmin() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    let rows = Memo::new(move |_| {
        let names = state.workspace.with(|ws| {
            ws.people_by_name()
                .into_iter()
                .map(|(id, p)| (id.clone(), p.name.clone()))
                .collect::<Vec<_>>()
        });
        identity.membership(|m| {
            let Some(m) = m else { return Vec::new() };
            names
                .into_iter()
                .map(|(id, name)| {
                    let devices: Vec<DeviceKey> = m.devices_of(&id).copied().collect();
                    let now = crate::store::now_millis();
                    let open_invitations: Vec<DeviceKey> = m
                        .invitations()
                        .iter()
                        .filter(|(_, i)| i.person == id && i.open_at(now))
                        .map(|(key, _)| *key)
                        .collect();
                    let invited = !open_invitations.is_empty();
                    let status = if !devices.is_empty() {
                        "Joined"
                    } else if invited {
                        "Invited"
                    } else {
                        "Not invited"
                    };
                    Row {
                        admin: m.has_role(&id, Role::Admin),
                        hr: m.has_role(&id, Role::Hr),
                        id,
                        name,
                        devices,
                        open_invitations,
                        status,
                    }
                })
                .collect()
        })
    });
    let ignored = move || {
        identity.membership(|m| {
            m.map(|m| {
                m.ignored()
                    .iter()
                    .map(|i| format!("Statement {} is ignored: {}.", i.hash.short(), i.reason))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    };
    let error = RwSignal::new(None::<String>);
    // The links made here, by person: kept above the rows, since inviting changes the
    // row (its status) and so rebuilds it.
    let links = RwSignal::new(std::collections::BTreeMap::<PersonId, String>::new());
    view! {
        <section class="card" aria-labelledby="access-heading" data-testid="access-admin">
            <h2 id="access-heading">"Access"</h2>
            <p class="item-meta">
                "Roles, devices and invitations are statements signed by an admin's device; every device and the relay check them. Removing someone stops what reaches them from now on; what their devices already hold stays there."
            </p>
            <FormError error=error />
            <ul class="item-list" aria-label="Access">
                <For each=move || rows.get() key=|row| row.clone() let:row>
                    <AccessRow row error links />
                </For>
            </ul>
            <Show when=move || !ignored().is_empty()>
                <h3>"Ignored statements"</h3>
                <ul data-testid="ignored-statements">
                    {move || {
                        ignored().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn AccessRow(
    row: Row,
    error: RwSignal<Option<String>>,
    links: RwSignal<std::collections::BTreeMap<PersonId, String>>,
) -> impl IntoView {
    let identity = expect_context::<IdentityState>();
    let Row {
        id,
        name,
        admin,
        hr,
        devices,
        open_invitations,
        status,
    } = row;
    let withdraw_rows = open_invitations
        .into_iter()
        .map(|invitation| {
            let name = name.clone();
            view! {
                <li class="item-meta">
                    {format!("Invitation {}… not used yet", invitation.short())}
                    <button
                        type="button"
                        class="button"
                        aria-label=format!(
                            "Withdraw the invitation {} for {name}",
                            invitation.short(),
                        )
                        on:click=move |_| {
                            error
                                .set(
                                    identity
                                        .sign(
                                            &format!("Withdraw an invitation for {name}"),
                                            Act::Withdraw { invitation },
                                        )
                                        .err(),
                                );
                        }
                    >
                        "Withdraw"
                    </button>
                </li>
            }
        })
        .collect_view();
    let role_box = |role: Role, held: bool, name: &str| {
        let id = id.clone();
        let label = format!("{} ({name})", role.label());
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=held
                    aria-label=label
                    on:change=move |event| {
                        let checked = event_target_checked(&event);
                        error.set(identity.set_role(&id, role, checked).err());
                    }
                />
                {role.label()}
            </label>
        }
    };
    let invite = {
        let id = id.clone();
        move |_| match identity.invite(&id) {
            Ok(link) => links.update(|links| {
                links.insert(id.clone(), link);
            }),
            Err(message) => error.set(Some(message)),
        }
    };
    let device_rows = devices
        .into_iter()
        .map(|device| {
            let name = name.clone();
            view! {
                <li class="item-meta">
                    {format!("Device {}…", device.short())}
                    <button
                        type="button"
                        class="button"
                        aria-label=format!("Remove device {} of {name}", device.short())
                        on:click=move |_| {
                            error
                                .set(
                                    identity
                                        .sign(
                                            &format!("Remove a device of {name}"),
                                            Act::RemoveDevice { device },
                                        )
                                        .err(),
                                );
                        }
                    >
                        "Remove device"
                    </button>
                </li>
            }
        })
        .collect_view();
    let field_id = format!("invite-{id}");
    let invite_label = format!("Invite {name}");
    let shown_name = name.clone();
    let invited_name = name.clone();
    let link_of = id.clone();
    view! {
        <li class="item" data-testid="access-row">
            <div class="item-main">
                <span class="item-title">{shown_name}</span>
                <span class="tag" data-testid="access-status">
                    {status}
                </span>
                <ul class="plain-list">{device_rows} {withdraw_rows}</ul>
                {move || {
                    links
                        .with(|links| links.get(&link_of).cloned())
                        .map(|link| {
                            view! {
                                <InvitationField
                                    link
                                    for_whom=invited_name.clone()
                                    id=field_id.clone()
                                />
                            }
                        })
                }}
            </div>
            <div class="item-actions">
                {role_box(Role::Admin, admin, &name)} {role_box(Role::Hr, hr, &name)}
                <button type="button" class="button" aria-label=invite_label on:click=invite>
                    "Invite"
                </button>
            </div>
        </li>
    }
}
