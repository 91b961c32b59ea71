//! The organisation chart: everyone under the person they report to, as nested lists
//! (`model::org_chart` builds it; this only shows it). Each person links to their page and
//! shows their title, team and how many report to them directly.

use leptos::prelude::*;

use crate::model::org_chart::OrgChart;
use crate::model::PersonId;
use crate::ui::{href, WorkspaceState};

/// Lists are nested this deep at most; anyone deeper is listed at this depth, after the
/// person above them, with whom they report to said in words. (Each level indents a
/// little, so a very long reporting line would otherwise squeeze names off a phone's
/// screen.)
const MAX_NESTING: usize = 12;

/// One person as the chart shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    id: PersonId,
    depth: usize,
    name: String,
    title: String,
    team: Option<String>,
    direct_reports: usize,
    /// Why they are at the top although they have a manager, or whom they report to when
    /// they are deeper than the lists nest.
    note: Option<String>,
}

#[component]
pub fn OrgChartView() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    // Only a change to what the chart shows renders it again.
    let entries = Memo::new(move |_| state.workspace.with(|ws| entries_of(ws)));
    move || {
        let entries = entries.get();
        if entries.is_empty() {
            return view! { <p class="empty">"No one here yet, so there is no chart to show."</p> }
                .into_any();
        }
        let top = entries.iter().filter(|e| e.depth == 0).count();
        let summary = match top {
            1 => "Everyone is under one person at the top.".to_owned(),
            n => format!("{n} people are at the top of the chart."),
        };
        view! {
            <p class="item-meta org-chart-summary">{summary}</p>
            <ul class="org-chart" aria-label="Organisation chart" data-testid="org-chart">
                {nested(&entries)}
            </ul>
        }
        .into_any()
    }
}

fn entries_of(ws: &crate::model::Workspace) -> Vec<Entry> {
    OrgChart::of(ws)
        .rows
        .into_iter()
        .filter_map(|row| {
            let person = ws.person(&row.id)?;
            let team = person
                .team
                .as_ref()
                .and_then(|t| ws.team(t))
                .map(|t| t.name.clone());
            let note = match (&row.top_level, &person.manager) {
                (Some(reason), _) => Some(reason.note(ws)),
                (None, Some(manager)) if row.depth > MAX_NESTING => {
                    Some(format!("Reports to {}.", ws.person_name(manager)))
                }
                _ => None,
            };
            Some(Entry {
                depth: row.depth,
                name: person.name.clone(),
                title: person.title.clone(),
                team,
                direct_reports: row.direct_reports,
                note,
                id: row.id,
            })
        })
        .collect()
}

/// The entries (in reading order, each followed by everyone under them) as list items,
/// each with a list of its reports, built without recursion: from the last entry back,
/// the items waiting at the level below an entry are its reports.
fn nested(entries: &[Entry]) -> Vec<AnyView> {
    let mut waiting: Vec<Vec<AnyView>> = (0..MAX_NESTING + 2).map(|_| Vec::new()).collect();
    for entry in entries.iter().rev() {
        let level = entry.depth.min(MAX_NESTING);
        let mut reports = std::mem::take(&mut waiting[level + 1]);
        reports.reverse();
        let item = person_item(entry, reports);
        waiting[level].push(item);
    }
    let mut top = std::mem::take(&mut waiting[0]);
    top.reverse();
    top
}

fn person_item(entry: &Entry, reports: Vec<AnyView>) -> AnyView {
    let count = match entry.direct_reports {
        0 => "No direct reports".to_owned(),
        1 => "1 direct report".to_owned(),
        n => format!("{n} direct reports"),
    };
    let title = (!entry.title.is_empty()).then(|| entry.title.clone());
    let list = (!reports.is_empty()).then(|| {
        view! {
            <ul class="org-reports" aria-label=format!("Reporting to {}", entry.name)>
                {reports}
            </ul>
        }
    });
    view! {
        <li class="org-item" data-testid="org-person">
            <div class="org-card">
                <a
                    class="item-title"
                    data-testid="org-person-name"
                    href=href(&format!("/people/{}", entry.id))
                >
                    {entry.name.clone()}
                </a>
                {title.map(|t| view! { <span class="item-meta">{t}</span> })}
                {entry.team.clone().map(|t| view! { <span class="tag">{t}</span> })}
                <span class="item-meta" data-testid="org-reports-count">
                    {count}
                </span>
                {entry.note.clone().map(|n| view! { <p class="item-meta org-note">{n}</p> })}
            </div>
            {list}
        </li>
    }
    .into_any()
}
