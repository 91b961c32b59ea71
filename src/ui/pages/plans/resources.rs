//! Resources: what the plan has against what its initiatives are allocated, per goal and
//! in total, with over-allocation flagged in words as well as colour.

use leptos::prelude::*;

use crate::model::plan::format_number;
use crate::ui::PlanDocument;

#[component]
pub fn ResourcesTable() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    move || {
        document.view.with(|p| {
            let plan = p.as_ref()?;
            let resources = plan.resources();
            let money = |v: i64| format!("{} {}", format_number(v as f64), plan.currency);
            let rows = resources
                .per_goal
                .iter()
                .map(|row| {
                    let name = plan.goals.get(&row.goal).map(|g| g.title.clone()).unwrap_or_default();
                    let over = row.over_envelope();
                    view! {
                        <tr class:over=over>
                            <th scope="row">{name}</th>
                            <td>{money(row.allocated.budget)}</td>
                            <td>
                                {row.envelope.map(money).unwrap_or_else(|| "—".into())}
                                {over
                                    .then(|| {
                                        view! {
                                            <strong class="over-flag">" Over its envelope"</strong>
                                        }
                                    })}
                            </td>
                            <td>{format_number(row.allocated.headcount)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let unfiled = (resources.unfiled.budget > 0 || resources.unfiled.headcount > 0.0).then(|| view! {
                <tr>
                    <th scope="row">"Not under any goal"</th>
                    <td>{money(resources.unfiled.budget)}</td>
                    <td>"—"</td>
                    <td>{format_number(resources.unfiled.headcount)}</td>
                </tr>
            });
            let over_budget = resources.over_budget();
            let over_headcount = resources.over_headcount();
            let remaining = resources.remaining();
            Some(view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="Resources by goal">
                    <table class="table resources" data-testid="resources">
                        <thead>
                            <tr>
                                <th scope="col">"Goal"</th>
                                <th scope="col">"Budget allocated"</th>
                                <th scope="col">"Envelope"</th>
                                <th scope="col">"Headcount"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}{unfiled}</tbody>
                        <tfoot>
                            <tr>
                                <th scope="row">"Allocated"</th>
                                <td>{money(resources.total.budget)}</td>
                                <td></td>
                                <td>{format_number(resources.total.headcount)}</td>
                            </tr>
                            <tr>
                                <th scope="row">"Available"</th>
                                <td>{money(resources.available.budget)}</td>
                                <td></td>
                                <td>{format_number(resources.available.headcount)}</td>
                            </tr>
                            <tr class:over=over_budget || over_headcount>
                                <th scope="row">"Remaining"</th>
                                <td>{money(remaining.budget)}</td>
                                <td></td>
                                <td>{format_number(remaining.headcount)}</td>
                            </tr>
                        </tfoot>
                    </table>
                </div>
                {(over_budget || over_headcount)
                    .then(|| {
                        view! {
                            <p
                                class="notice notice-warning"
                                role="status"
                                data-testid="over-allocated"
                            >
                                {match (over_budget, over_headcount) {
                                    (true, true) => {
                                        "Over-allocated: the initiatives need more budget and more people than the plan has."
                                    }
                                    (true, false) => {
                                        "Over-allocated: the initiatives need more budget than the plan has."
                                    }
                                    _ => {
                                        "Over-allocated: the initiatives need more people than the plan has."
                                    }
                                }}
                            </p>
                        }
                    })}
            })
        })
    }
}

#[component]
pub fn ResourcesSection() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="resources-heading">
            <h2 id="resources-heading">"Resources"</h2>
            <p class="item-meta">
                "Set what is available under Overview → Details, and each initiative's budget and headcount under Goals."
            </p>
            <ResourcesTable />
        </section>
    }
}
