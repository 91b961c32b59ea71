//! The board report (the board pack): at the top, once, the organisation, the date it was
//! made and the version (the last approved version's name, or "Draft, not approved");
//! then the plan's direction, RAG summary and scorecard, SWOT and PESTLE, each goal with
//! its objectives (owner, status, due date), their measures and initiatives, the charts,
//! resources, and the changes since the last approved version. Laid out for print on A4
//! or Letter (`style/report.css`) and also offered as Markdown: both are made from the
//! same `BoardPack`, so they say the same things.

use leptos::prelude::*;

use super::scorecard::ScorecardTable;
use super::versions::{name_in, since_last_approval, DifferenceTable};
use crate::model::plan::{
    BoardPack, ObjectivePart, Rag, ReportContext, ReportCover, ResourceLine, ResourcesPart,
};
use crate::ui::components::{HealthTag, MeasureChart, ProgressChart};
use crate::ui::files::{download, file_stem};
use crate::ui::format::{date, date_time, today};
use crate::ui::{PlanDocument, WorkspaceState};

/// A RAG as the `data-rag` key the style colours by.
fn rag_key(rag: Option<Rag>) -> &'static str {
    match rag {
        Some(Rag::Green) => "green",
        Some(Rag::Amber) => "amber",
        Some(Rag::Red) => "red",
        None => "none",
    }
}

/// "answered by A; B", or nothing.
fn answered_by(objectives: &[String]) -> Option<impl IntoView> {
    (!objectives.is_empty()).then(|| {
        view! { <span class="report-links">{format!(" — answered by {}", objectives.join("; "))}</span> }
    })
}

fn objective_view(objective: ObjectivePart) -> impl IntoView {
    let measures_label = format!("Measures of {}", objective.title);
    let initiatives_label = format!("Initiatives of {}", objective.title);
    let measures = (!objective.measures.is_empty()).then(|| {
        let rows = objective
            .measures
            .into_iter()
            .map(|m| {
                view! {
                    <tr>
                        <th scope="row">{m.name}</th>
                        <td>{m.baseline_to_target}</td>
                        <td>{m.latest}</td>
                        <td>
                            <HealthTag rag=m.rag />
                        </td>
                        <td>{m.owner}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=measures_label>
                <table class="table report-measures" data-testid="report-measures">
                    <caption>"Measures"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Measure"</th>
                            <th scope="col">"Baseline → target"</th>
                            <th scope="col">"Latest actual"</th>
                            <th scope="col">"RAG"</th>
                            <th scope="col">"Owner"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let initiatives = (!objective.initiatives.is_empty()).then(|| {
        let rows = objective
            .initiatives
            .into_iter()
            .map(|i| {
                view! {
                    <tr>
                        <th scope="row">{i.title}</th>
                        <td>{i.owner}</td>
                        <td>{i.status}</td>
                        <td>{i.dates}</td>
                        <td class="number">{i.budget}</td>
                        <td class="number">{i.headcount}</td>
                        <td class="number">{i.progress}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=initiatives_label>
                <table class="table report-initiatives" data-testid="report-initiatives">
                    <caption>"Initiatives"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Initiative"</th>
                            <th scope="col">"Owner"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Dates"</th>
                            <th scope="col">"Budget"</th>
                            <th scope="col">"Headcount"</th>
                            <th scope="col">"Progress"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let none = match (measures.is_some(), initiatives.is_some()) {
        (false, false) => Some("No measures or initiatives yet."),
        (false, true) => Some("No measures yet."),
        (true, false) => Some("No initiatives yet."),
        (true, true) => None,
    };
    view! {
        <section
            class="report-objective"
            data-rag=rag_key(objective.rag)
            data-testid="report-objective"
        >
            <h5>{objective.title}</h5>
            <dl class="report-facts">
                <div>
                    <dt>"Owner"</dt>
                    <dd>{objective.owner}</dd>
                </div>
                <div>
                    <dt>"Status"</dt>
                    <dd>{objective.status}</dd>
                </div>
                <div>
                    <dt>"Due"</dt>
                    <dd>{objective.due}</dd>
                </div>
            </dl>
            {measures}
            {initiatives}
            {none.map(|text| view! { <p class="empty">{text}</p> })}
        </section>
    }
}

fn resources_view(resources: ResourcesPart) -> impl IntoView {
    let row = |line: ResourceLine, total: bool| {
        let name = if total {
            view! { <strong>{line.name.clone()}</strong> }.into_any()
        } else {
            line.name.clone().into_any()
        };
        view! {
            <tr class:over=line.over>
                <th scope="row">
                    {name}
                    {line
                        .over
                        .then(|| view! { <strong class="over-flag">" Over-allocated"</strong> })}
                </th>
                <td class="number">{line.budget_allocated}</td>
                <td class="number">{line.budget_available}</td>
                <td class="number">{line.headcount_allocated}</td>
                <td class="number">{line.headcount_available}</td>
            </tr>
        }
    };
    let currency = resources.currency.clone();
    let rows = resources
        .rows
        .into_iter()
        .map(|line| row(line, false))
        .collect_view();
    let total = row(resources.total, true);
    let warnings = (!resources.warnings.is_empty()).then(|| {
        view! {
            <div class="report-warning" role="status" data-testid="report-over-allocated">
                <p>
                    <strong>"Over-allocated"</strong>
                </p>
                <ul>
                    {resources.warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            </div>
        }
    });
    view! {
        <div
            class="table-wrap"
            tabindex="0"
            role="region"
            aria-label="Resources allocated and available"
        >
            <table class="table report-resources" data-testid="report-resources">
                <thead>
                    <tr>
                        <th scope="col">"Goal"</th>
                        <th scope="col">{format!("Budget allocated ({currency})")}</th>
                        <th scope="col">{format!("Budget available ({currency})")}</th>
                        <th scope="col">"Headcount allocated"</th>
                        <th scope="col">"Headcount available"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>{total}</tfoot>
            </table>
        </div>
        {warnings}
    }
}

/// The report's parts from the pack: the cover, the statements, the environment with the
/// goals, and the resources (the page puts the summary, scorecard, charts and changes
/// between them).
fn pack_view(pack: BoardPack) -> (impl IntoView, impl IntoView, impl IntoView, impl IntoView) {
    let version = pack.version_line();
    let statements = pack
        .statements
        .into_iter()
        .map(|(label, text)| {
            view! {
                <h3>{label}</h3>
                <p class="statement-text">{text}</p>
            }
        })
        .collect_view();
    let swot = pack
        .swot
        .into_iter()
        .map(|quadrant| {
            let items = if quadrant.items.is_empty() {
                view! { <p class="empty">"None listed."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {quadrant
                            .items
                            .into_iter()
                            .map(|item| {
                                view! { <li>{item.text}{answered_by(&item.objectives)}</li> }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <section class="report-quadrant" data-report-quadrant=quadrant.quadrant.slug()>
                    <h5>{quadrant.label}</h5>
                    {items}
                </section>
            }
        })
        .collect_view();
    let pestle = if pack.pestle.is_empty() {
        view! { <p class="empty">"No factors listed."</p> }.into_any()
    } else {
        let rows = pack
            .pestle
            .into_iter()
            .map(|f| {
                let answered = if f.objectives.is_empty() {
                    "—".to_owned()
                } else {
                    f.objectives.join("; ")
                };
                view! {
                    <tr>
                        <td>{f.category}</td>
                        <th scope="row">{f.text}</th>
                        <td>{f.impact}</td>
                        <td>{f.likelihood}</td>
                        <td>{answered}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label="PESTLE factors">
                <table class="table report-pestle" data-testid="report-pestle">
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Factor"</th>
                            <th scope="col">"Impact"</th>
                            <th scope="col">"Likelihood"</th>
                            <th scope="col">"Answered by"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let goals = if pack.goals.is_empty() {
        view! { <p class="empty">"No goals yet."</p> }.into_any()
    } else {
        pack.goals
            .into_iter()
            .map(|goal| {
                let description = (!goal.description.trim().is_empty())
                    .then(|| view! { <p>{goal.description.trim().to_owned()}</p> });
                let objectives = if goal.objectives.is_empty() {
                    view! { <p class="empty">"No objectives yet."</p> }.into_any()
                } else {
                    goal.objectives
                        .into_iter()
                        .map(objective_view)
                        .collect_view()
                        .into_any()
                };
                view! {
                    <section
                        class="report-goal"
                        data-rag=rag_key(goal.rag)
                        data-testid="report-goal"
                    >
                        <h4>{format!("Goal: {}", goal.title)}</h4>
                        {description}
                        <dl class="report-facts">
                            <div>
                                <dt>"Status"</dt>
                                <dd>{goal.status}</dd>
                            </div>
                            {goal
                                .envelope
                                .map(|e| {
                                    view! {
                                        <div>
                                            <dt>"Budget envelope"</dt>
                                            <dd>{e}</dd>
                                        </div>
                                    }
                                })}
                        </dl>
                        {objectives}
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };
    let unfiled = (!pack.unfiled.is_empty()).then(|| {
        view! {
            <h4>"Not filed under a goal or objective"</h4>
            <ul>{pack.unfiled.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul>
        }
    });
    (
        view! {
            <header class="report-cover" data-testid="report-cover">
                {(!pack.organisation.is_empty())
                    .then(|| {
                        view! {
                            <p class="report-organisation" data-testid="report-organisation">
                                {pack.organisation}
                            </p>
                        }
                    })}
                <h2 class="report-title">{pack.title}</h2>
                <p class="report-kind">"Board report"</p>
                <dl class="report-facts">
                    <div>
                        <dt>"Date"</dt>
                        <dd data-testid="report-date">{pack.made_on}</dd>
                    </div>
                    <div>
                        <dt>"Version"</dt>
                        <dd data-testid="report-version">{version}</dd>
                    </div>
                    <div>
                        <dt>"Plan"</dt>
                        <dd>{pack.plan_line}</dd>
                    </div>
                </dl>
            </header>
        },
        statements,
        view! {
            <section class="report-part" aria-labelledby="report-environment">
                <h3 id="report-environment">"Environment"</h3>
                <h4>"SWOT"</h4>
                <div class="report-swot" data-testid="report-swot">
                    {swot}
                </div>
                <h4>"PESTLE"</h4>
                {pestle}
            </section>
            <section class="report-part" aria-labelledby="report-goals">
                <h3 id="report-goals">"Goals, objectives and initiatives"</h3>
                {goals}
                {unfiled}
            </section>
        },
        resources_view(pack.resources),
    )
}

#[component]
pub fn ReportSection() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let rollup = expect_context::<super::goals::RollupMemo>();
    let paper = RwSignal::new("a4");
    let message = RwSignal::new(None::<Result<String, String>>);
    let since_approval = since_last_approval(document, state);
    // The day the report is made, as the reader reads it.
    let made_on = StoredValue::new(date(js_sys::Date::now() as i64));
    let pack = Memo::new(move |_| {
        let since = since_approval.get();
        let today = today();
        let made_on = made_on.get_value();
        document.view.with(|p| {
            let plan = p.as_ref()?;
            Some(state.workspace.with(|ws| {
                let names = name_in(ws);
                plan.board_pack(
                    &ReportCover {
                        organisation: &ws.organisation,
                        made_on: &made_on,
                    },
                    &ReportContext {
                        names: &names,
                        today: &today,
                        since_approval: since
                            .as_ref()
                            .map(|(name, changes)| (name.as_str(), changes.as_slice())),
                    },
                )
            }))
        })
    });
    let markdown = move |_| {
        let Some(plan) = document.view.get_untracked() else {
            return;
        };
        let since = since_approval.get_untracked();
        let today = today();
        let made_on = made_on.get_value();
        let text = state.workspace.with_untracked(|ws| {
            let names = name_in(ws);
            plan.to_markdown_for(
                &ReportCover {
                    organisation: &ws.organisation,
                    made_on: &made_on,
                },
                &ReportContext {
                    names: &names,
                    today: &today,
                    since_approval: since
                        .as_ref()
                        .map(|(name, changes)| (name.as_str(), changes.as_slice())),
                },
            )
        });
        let name = format!("{}.md", file_stem(&plan.title, "plan"));
        message.set(Some(
            download(&name, "text/markdown", text.as_bytes())
                .map(|()| "Markdown exported.".to_owned()),
        ));
    };
    let json = move |_| {
        let Some(plan) = document.view.get_untracked() else {
            return;
        };
        let text = plan.to_json(&document.url(), &today());
        let name = format!("{}.plan.json", file_stem(&plan.title, "plan"));
        message.set(Some(
            download(&name, "application/json", text.as_bytes())
                .map(|()| "JSON exported.".to_owned()),
        ));
    };
    let automerge_file = move |_| {
        let (name, bytes) = document.automerge_file();
        message.set(Some(
            download(&name, "application/octet-stream", &bytes)
                .map(|()| "Document exported.".to_owned()),
        ));
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    let body = move || {
        let pack = pack.get()?;
        document.view.with(|p| {
            let plan = p.as_ref()?;
            let rollup = rollup.get();
            // Only a verified approval reads as one; the others say what they are.
            let plan_url = document.id.url();
            let approvals = identity.membership(|membership| {
                plan.approvals_newest_first()
                    .into_iter()
                    .map(|a| {
                        let verdict = match a.check(&plan_url, membership) {
                            crate::model::review::SealCheck::Verified => "",
                            crate::model::review::SealCheck::Unsealed => " (not verifiable)",
                            crate::model::review::SealCheck::Forged(_) => {
                                " (FORGED: not an approval)"
                            }
                        };
                        let line = format!(
                            "Approved by {} ({}) on {}{verdict}",
                            a.name,
                            a.role.label(),
                            date_time(a.at)
                        );
                        view! { <li>{line}</li> }
                    })
                    .collect_view()
            });
            let outline = plan.outline();
            let charts = plan
                .goals_in_order()
                .into_iter()
                .flat_map(|(g, _)| outline.objectives_of(g).iter().copied())
                .flat_map(|(o, _)| outline.measures_of(o).iter().copied())
                .filter(|(_, m)| !m.actuals.is_empty())
                .map(|(_, m)| {
                    let caption = if m.unit.is_empty() {
                        m.name.clone()
                    } else {
                        format!("{} ({})", m.name, m.unit)
                    };
                    view! {
                        <figure class="chart">
                            <MeasureChart measure=m.clone() />
                            <figcaption>{caption}</figcaption>
                        </figure>
                    }
                })
                .collect_view();
            let progress = plan
                .goals_in_order()
                .into_iter()
                .filter(|(g, _)| !plan.objectives_of(g).is_empty())
                .map(|(g, goal)| {
                    let rows = plan
                        .objectives_of(g)
                        .into_iter()
                        .map(|(o, objective)| {
                            let health = rollup.objectives.get(o).cloned().unwrap_or_default();
                            (objective.title.clone(), health.progress, health.rag)
                        })
                        .collect::<Vec<_>>();
                    view! {
                        <figure class="chart">
                            <ProgressChart title=goal.title.clone() rows=rows />
                            <figcaption>{goal.title.clone()}</figcaption>
                        </figure>
                    }
                })
                .collect_view();
            let count =
                |rag: Option<Rag>| rollup.objectives.values().filter(|h| h.rag == rag).count();
            let (cover, statements, parts, resources) = pack_view(pack);
            Some(view! {
                {cover}
                <ul class="approvals">{approvals}</ul>
                {statements}
                <h3>"Summary"</h3>
                <p data-testid="rag-summary">
                    "Overall "<HealthTag rag=rollup.plan.rag />
                    {format!(
                        ", progress {}. Objectives: {} green, {} amber, {} red, {} without data.",
                        rollup.plan.progress_text(),
                        count(Some(Rag::Green)),
                        count(Some(Rag::Amber)),
                        count(Some(Rag::Red)),
                        count(None),
                    )}
                </p>
                <h3>"Scorecard"</h3>
                <ScorecardTable />
                {parts}
                <section class="report-part report-charts" aria-labelledby="report-progress">
                    <h3 id="report-progress">"Progress of objectives"</h3>
                    <div class="charts charts-progress">{progress}</div>
                    <h3>"Measures"</h3>
                    <div class="charts charts-measures">{charts}</div>
                </section>
                <section class="report-part" aria-labelledby="report-resources">
                    <h3 id="report-resources">"Resources"</h3>
                    {resources}
                </section>
            })
        })
    };
    view! {
        <div class="report-tools no-print">
            <label for="report-paper">"Paper"</label>
            <select
                id="report-paper"
                on:change=move |ev| {
                    paper.set(if event_target_value(&ev) == "letter" { "letter" } else { "a4" })
                }
            >
                <option value="a4" selected=true>
                    "A4"
                </option>
                <option value="letter">"Letter"</option>
            </select>
            <button type="button" class="button primary" on:click=print>
                "Print"
            </button>
            <button type="button" class="button" on:click=markdown>
                "Download Markdown"
            </button>
            <button type="button" class="button" on:click=json>
                "Download JSON"
            </button>
            <button type="button" class="button" on:click=automerge_file>
                "Download .automerge"
            </button>
            {move || {
                message
                    .get()
                    .map(|m| match m {
                        Ok(text) => {
                            view! {
                                <span class="form-ok" role="status">
                                    {text}
                                </span>
                            }
                                .into_any()
                        }
                        Err(text) => {
                            view! {
                                <span class="form-error" role="alert">
                                    {text}
                                </span>
                            }
                                .into_any()
                        }
                    })
            }}
        </div>
        <article
            class=move || format!("card report paper-{}", paper.get())
            data-testid="board-report"
            aria-label="Board report"
        >
            {body}
            <section class="report-part" aria-labelledby="report-changes">
                {move || match since_approval.get() {
                    Some((name, changes)) => {
                        view! {
                            <h3 id="report-changes">{format!("Changes since “{name}”")}</h3>
                            <DifferenceTable changes=changes />
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <h3 id="report-changes">"Changes since approval"</h3>
                            <p class="empty">
                                "Not approved yet: there is no approved version to compare with."
                            </p>
                        }
                            .into_any()
                    }
                }}
            </section>
        </article>
    }
}
