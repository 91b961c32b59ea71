//! The board report: the plan with its direction, RAG summary, scorecard, measure charts,
//! resources and the changes since the last approved version, laid out for print (A4 or
//! Letter) and also offered as Markdown.

use leptos::prelude::*;

use super::resources::ResourcesTable;
use super::scorecard::ScorecardTable;
use super::versions::{name_in, since_last_approval, DifferenceTable};
use crate::model::plan::{Rag, ReportContext, Statement};
use crate::ui::components::{HealthTag, MeasureChart, ProgressChart};
use crate::ui::files::{download, file_stem};
use crate::ui::format::{date_time, today};
use crate::ui::{PlanDocument, WorkspaceState};

#[component]
pub fn ReportSection() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let rollup = expect_context::<super::goals::RollupMemo>();
    let paper = RwSignal::new("a4");
    let message = RwSignal::new(None::<Result<String, String>>);
    let since_approval = since_last_approval(document, state);
    let markdown = move |_| {
        let Some(plan) = document.view.get_untracked() else {
            return;
        };
        let since = since_approval.get_untracked();
        let today = today();
        let text = state.workspace.with_untracked(|ws| {
            let names = name_in(ws);
            plan.to_markdown(&ReportContext {
                names: &names,
                today: &today,
                since_approval: since
                    .as_ref()
                    .map(|(name, changes)| (name.as_str(), changes.as_slice())),
            })
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
        document.view.with(|p| {
            let plan = p.as_ref()?;
            let rollup = rollup.get();
            let count = |rag: Option<Rag>| rollup.objectives.values().filter(|h| h.rag == rag).count();
            let statements = [Statement::Mission, Statement::Vision, Statement::Values]
                .into_iter()
                .filter(|s| !plan.statement(*s).as_str().trim().is_empty())
                .map(|s| view! { <h3>{s.label()}</h3><p class="statement-text">{plan.statement(s).as_str().to_owned()}</p> })
                .collect_view();
            let approvals = plan
                .approvals_newest_first()
                .into_iter()
                .map(|a| view! { <li>{format!("Approved by {} ({}) on {}", a.name, a.role.label(), date_time(a.at))}</li> })
                .collect_view();
            let charts = plan
                .goals_in_order()
                .into_iter()
                .flat_map(|(g, _)| plan.objectives_of(g))
                .flat_map(|(o, _)| plan.measures_of(o))
                .filter(|(_, m)| !m.actuals.is_empty())
                .map(|(_, m)| view! { <figure class="chart"><MeasureChart measure=m.clone()/><figcaption>{m.name.clone()}</figcaption></figure> })
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
                        <figure class="chart"><ProgressChart title=goal.title.clone() rows=rows/>
                        <figcaption>{goal.title.clone()}</figcaption></figure>
                    }
                })
                .collect_view();
            Some(view! {
                <header class="report-header">
                    <h2>{plan.title.clone()}</h2>
                    <p>{format!("{} · {} · {}", plan.horizon(), plan.cycle.label(), plan.status.label())}</p>
                    <ul class="approvals">{approvals}</ul>
                </header>
                {statements}
                <h3>"Summary"</h3>
                <p data-testid="rag-summary">"Overall "<HealthTag rag=rollup.plan.rag/>{format!(", progress {}. Objectives: {} green, {} amber, {} red, {} without data.",
                    rollup.plan.progress_text(), count(Some(Rag::Green)), count(Some(Rag::Amber)), count(Some(Rag::Red)), count(None))}</p>
                <h3>"Scorecard"</h3>
                <ScorecardTable/>
                <h3>"Progress of objectives"</h3>
                <div class="charts">{progress}</div>
                <h3>"Measures"</h3>
                <div class="charts">{charts}</div>
                <h3>"Resources"</h3>
                <ResourcesTable/>
            })
        })
    };
    view! {
        <div class="report-tools no-print">
            <label for="report-paper">"Paper"</label>
            <select id="report-paper" on:change=move |ev| paper.set(if event_target_value(&ev) == "letter" { "letter" } else { "a4" })>
                <option value="a4" selected=true>"A4"</option>
                <option value="letter">"Letter"</option>
            </select>
            <button type="button" class="button primary" on:click=print>"Print"</button>
            <button type="button" class="button" on:click=markdown>"Download Markdown"</button>
            <button type="button" class="button" on:click=json>"Download JSON"</button>
            <button type="button" class="button" on:click=automerge_file>"Download .automerge"</button>
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <span class="form-ok" role="status">{text}</span> }.into_any(),
                Err(text) => view! { <span class="form-error" role="alert">{text}</span> }.into_any(),
            })}
        </div>
        <article class=move || format!("card report paper-{}", paper.get()) data-testid="board-report" aria-label="Board report">
            {body}
            {move || since_approval.get().map(|(name, changes)| view! {
                <h3>{format!("Changes since “{name}”")}</h3>
                <DifferenceTable changes=changes/>
            })}
        </article>
    }
}
