//! A measure (KPI): its latest actual against target, its chart and actuals, and the forms
//! to define it and to record an actual.

use leptos::prelude::*;

use super::dated_values::{DatedEntry, DatedLabels, DatedValues};
use super::move_buttons::MoveButtons;

use super::objective::ObjectiveSelect;
use crate::model::plan::{format_number, parse_number, Direction, Measure, PlanError};
use crate::model::{ItemId, PersonId};
use crate::ui::components::{CheckedInput, HealthTag, MeasureChart, PersonPicker};
use crate::ui::format::today;
use crate::ui::{Draft, PlanDocument, WorkspaceState};

#[component]
pub fn MeasureRow(id: ItemId, measure: Measure, index: usize, count: usize) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let latest = measure
        .latest()
        .map(|(d, v)| format!("{} on {d}", measure.value_text(v)))
        .unwrap_or_else(|| "No actuals yet".to_owned());
    // With targets by period, the one the latest actual is judged against comes first.
    let due = measure.latest().map_or_else(
        || measure.target_due(&today()),
        |(d, _)| measure.target_due(d),
    );
    let target_text = match due {
        (value, Some(by)) => format!(
            "target {} by {by} (final {})",
            measure.value_text(value),
            measure.value_text(measure.target)
        ),
        (_, None) => format!("target {}", measure.value_text(measure.target)),
    };
    let summary = format!(
        "{} · {} · baseline {}{}",
        latest,
        target_text,
        measure.value_text(measure.baseline),
        measure
            .trend()
            .map(|t| format!(" · {} {}", t.arrow(), t.label()))
            .unwrap_or_default()
    );
    let state = expect_context::<WorkspaceState>();
    let owner = measure.owner.clone().map(|person| {
        move || {
            let name = state
                .workspace
                .with(|ws| ws.person(&person).map(|p| p.name.clone()));
            format!(
                "Owner: {}",
                name.unwrap_or_else(|| "someone no longer listed".to_owned())
            )
        }
    });
    let actuals: Vec<DatedEntry> = measure
        .actuals
        .iter()
        .rev()
        .map(|(d, v)| DatedEntry {
            date: d.clone(),
            text: format!("{d}: {}", measure.value_text(*v)),
        })
        .collect();
    let period_targets: Vec<DatedEntry> = measure
        .period_targets
        .iter()
        .map(|(d, v)| DatedEntry {
            date: d.clone(),
            text: format!("{} by {d}", measure.value_text(*v)),
        })
        .collect();
    let record = {
        let id = id.clone();
        Callback::new(move |(date, value): (String, f64)| {
            document.edit("Record an actual", |plan| {
                plan.record_actual(&id, &date, value)
            })
        })
    };
    let remove_actual = {
        let id = id.clone();
        Callback::new(move |date: String| {
            document.edit("Remove an actual", |plan| plan.remove_actual(&id, &date))
        })
    };
    let set_target = {
        let id = id.clone();
        Callback::new(move |(date, value): (String, f64)| {
            document.edit("Set a target by period", |plan| {
                plan.set_period_target(&id, &date, value)
            })
        })
    };
    let remove_target = {
        let id = id.clone();
        Callback::new(move |date: String| {
            document.edit("Remove a target by period", |plan| {
                plan.remove_period_target(&id, &date)
            })
        })
    };
    let remove = {
        let id = id.clone();
        move |_| {
            error.set(
                document
                    .edit("Remove a measure", |plan| plan.remove_measure(&id))
                    .err(),
            )
        }
    };
    let reorder = {
        let (id, objective) = (id.clone(), measure.objective.clone());
        move |to: usize| {
            error.set(
                document
                    .edit("Reorder measures", |plan| {
                        plan.move_measure(&id, &objective, to)
                    })
                    .err(),
            )
        }
    };
    let on_move = Callback::new(reorder);
    let panels = expect_context::<super::goals::OpenPanels>();
    let panel = format!("measure-{id}");
    let toggle_key = panel.clone();
    let form_measure = measure.clone();
    let objective = measure.objective.clone();
    let edit_id = id.clone();
    view! {
        <li class="item measure" data-testid="measure">
            <div class="item-main">
                <span class="item-title">{measure.name.clone()}</span>
                <span class="item-meta">{summary}</span>
                {owner
                    .map(|owner| {
                        view! {
                            <span class="item-meta" data-testid="measure-owner">
                                {owner}
                            </span>
                        }
                    })}
            </div>
            <HealthTag rag=measure.rag() />
            <div class="item-actions">
                <MoveButtons name=measure.name.clone() index=index count=count on_move=on_move />
            </div>
            <details
                class="measure-details"
                open=panels.is_open(&panel)
                on:toggle=move |ev| panels.toggled(&toggle_key, &ev)
            >
                <summary>{format!("Actuals and chart ({})", measure.actuals.len())}</summary>
                <MeasureChart measure=measure.clone() />
                <p class="item-meta">{measure.explain()}</p>
                <DatedValues
                    kind="actual"
                    measure=id.clone()
                    measure_name=measure.name.clone()
                    entries=actuals
                    labels=DatedLabels {
                        remove: "Remove the actual of",
                        form: "Record an actual of",
                        date: "Date",
                        value: "Value",
                        button: "Record actual",
                    }
                    initial_date=today()
                    on_add=record
                    on_remove=remove_actual
                    error=error
                />
                <h4>"Targets by period"</h4>
                <p class="item-meta">
                    "An actual is judged against the first target due on or after its date, then against the final target."
                </p>
                <DatedValues
                    kind="period-target"
                    measure=id.clone()
                    measure_name=measure.name.clone()
                    entries=period_targets
                    labels=DatedLabels {
                        remove: "Remove the target for",
                        form: "Set a target by period for",
                        date: "Due by",
                        value: "Target",
                        button: "Set target",
                    }
                    initial_date=String::new()
                    on_add=set_target
                    on_remove=remove_target
                    error=error
                    testid="period-targets"
                />
                <div class="item-actions">
                    <button type="button" class="button small" on:click=move |_| editing.set(true)>
                        "Edit measure"
                    </button>
                    <button type="button" class="button small danger" on:click=remove>
                        "Remove measure"
                    </button>
                </div>
                <Show when=move || editing.get()>
                    <MeasureForm
                        objective=objective.clone()
                        existing=Some((edit_id.clone(), form_measure.clone()))
                        on_done=Callback::new(move |()| editing.set(false))
                    />
                </Show>
            </details>
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
        </li>
    }
}

/// Defines a measure (new under `objective`, or `existing`). Thresholds left blank are
/// set from the baseline and target.
#[component]
pub fn MeasureForm(
    objective: ItemId,
    existing: Option<(ItemId, Measure)>,
    on_done: Callback<()>,
) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let start = existing.as_ref().map(|(_, m)| m.clone());
    let text = |f: fn(&Measure) -> String| start.as_ref().map(f).unwrap_or_default();
    let plain = |v: f64| format_number(v).replace(',', "");
    let key = existing
        .as_ref()
        .map_or_else(|| format!("new-{objective}"), |(id, _)| id.to_string());
    // What is typed is kept until saved or cancelled: a reload loses none of it.
    let kept = |field: &str, saved: String| Draft::editing(format!("measure-{field}-{key}"), saved);
    let drafts = [
        kept("name", text(|m| m.name.clone())),
        kept("unit", text(|m| m.unit.clone())),
        kept(
            "baseline",
            start
                .as_ref()
                .map(|m| plain(m.baseline))
                .unwrap_or_default(),
        ),
        kept(
            "target",
            start.as_ref().map(|m| plain(m.target)).unwrap_or_default(),
        ),
        // A threshold that follows the target shows blank, as it was left, so a new
        // target moves it again.
        kept(
            "green",
            start
                .as_ref()
                .filter(|m| !m.green_follows_target())
                .map(|m| plain(m.green_from))
                .unwrap_or_default(),
        ),
        kept(
            "amber",
            start
                .as_ref()
                .filter(|m| !m.amber_follows_target())
                .map(|m| plain(m.amber_from))
                .unwrap_or_default(),
        ),
    ];
    let [name, unit, baseline, target, green, amber] = drafts.map(|d| d.text());
    let direction = RwSignal::new(start.as_ref().map(|m| m.direction).unwrap_or_default());
    let owner = RwSignal::new(
        start
            .as_ref()
            .and_then(|m| m.owner.as_ref())
            .map(|o| o.to_string())
            .unwrap_or_default(),
    );
    let under = RwSignal::new(objective.to_string());
    let error = RwSignal::new(None::<String>);
    let field = move |name: &str| format!("measure-{name}-{key}");
    let optional_number = |t: &str| {
        (!t.trim().is_empty())
            .then(|| parse_number(t).err())
            .flatten()
            .map(|e| e.to_string())
    };

    let submit = {
        let existing = existing.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let built = (|| {
                let baseline = parse_number(&baseline.get_untracked())
                    .map_err(|e| format!("Baseline: {e}"))?;
                let target =
                    parse_number(&target.get_untracked()).map_err(|e| format!("Target: {e}"))?;
                let mut m = Measure::new(
                    &name.get_untracked(),
                    &unit.get_untracked(),
                    baseline,
                    target,
                    direction.get_untracked(),
                );
                m.objective = objective.clone();
                m.owner = Some(owner.get_untracked())
                    .filter(|o| !o.is_empty())
                    .map(PersonId::from);
                let threshold = |text: String, what: &str| {
                    let text = text.trim().to_owned();
                    (!text.is_empty())
                        .then(|| parse_number(&text).map_err(|e| format!("{what}: {e}")))
                        .transpose()
                };
                m.set_thresholds(
                    threshold(green.get_untracked(), "Green from")?,
                    threshold(amber.get_untracked(), "Amber from")?,
                );
                Ok::<_, String>(m)
            })();
            let destination = ItemId::from(under.get_untracked());
            let result = built.and_then(|m| match &existing {
                Some((id, _)) => document.edit("Edit a measure", |plan| {
                    plan.update_measure(id, m)?;
                    if plan
                        .measures
                        .get(id)
                        .is_some_and(|m| m.objective != destination)
                    {
                        plan.move_measure(id, &destination, usize::MAX)?;
                    }
                    Ok::<(), PlanError>(())
                }),
                None => document.edit("Add a measure", |plan| plan.add_measure(m).map(|_| ())),
            });
            match result {
                Ok(()) => {
                    drafts.iter().for_each(Draft::sent);
                    on_done.run(())
                }
                Err(reason) => error.set(Some(reason)),
            }
        }
    };
    view! {
        <form
            class="form"
            on:submit=submit
            aria-label=if existing.is_some() { "Edit measure" } else { "New measure" }
        >
            <div class="form-grid">
                <CheckedInput id=field("name") label="Name" value=name />
                <CheckedInput id=field("unit") label="Unit" value=unit />
                <CheckedInput
                    id=field("baseline")
                    label="Baseline"
                    value=baseline
                    inputmode="decimal"
                    check=|t| parse_number(t).err().map(|e| e.to_string())
                />
                <CheckedInput
                    id=field("target")
                    label="Target"
                    value=target
                    inputmode="decimal"
                    check=|t| parse_number(t).err().map(|e| e.to_string())
                />
                <label for=field("direction")>"Good is"</label>
                <select
                    id=field("direction")
                    on:change=move |ev| {
                        direction
                            .set(
                                if event_target_value(&ev) == "Down" {
                                    Direction::Down
                                } else {
                                    Direction::Up
                                },
                            )
                    }
                >
                    <option value="Up" selected=move || direction.get() == Direction::Up>
                        "Up (higher is better)"
                    </option>
                    <option value="Down" selected=move || direction.get() == Direction::Down>
                        "Down (lower is better)"
                    </option>
                </select>
                <PersonPicker id=field("owner") label="Owner" chosen=owner none="No one" />
                <CheckedInput
                    id=field("green")
                    label="Green from (blank: the target)"
                    value=green
                    inputmode="decimal"
                    check=optional_number
                />
                <CheckedInput
                    id=field("amber")
                    label="Amber from (blank: 80% of the way)"
                    value=amber
                    inputmode="decimal"
                    check=optional_number
                />
                {existing
                    .is_some()
                    .then(|| view! { <ObjectiveSelect id=field("objective") chosen=under /> })}
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
                <button type="submit" class="button primary">
                    "Save measure"
                </button>
                <crate::ui::components::DiscardButton drafts=drafts.to_vec() on_done=on_done />
            </div>
        </form>
    }
}
