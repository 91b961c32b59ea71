//! The written parts of a review (self and manager assessment, written together as
//! Automerge text), the template's questions, and the ratings: competencies, overall and
//! potential.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::super::rating_select::RatingSelect;
use super::ReviewPageContext;
use crate::model::review::{Answer, Part, Potential};
use crate::model::ItemId;
use crate::ui::components::CollaborativeText;

#[component]
pub fn AssessmentSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let text = move |manager: bool| {
        Signal::derive(move || {
            context.read(String::new(), |r| {
                if manager {
                    r.manager_assessment.as_str()
                } else {
                    r.self_assessment.as_str()
                }
                .to_owned()
            })
        })
    };
    let field = move |manager: bool| {
        let part = if manager {
            Part::ManagerAssessment
        } else {
            Part::SelfAssessment
        };
        let (id, label) = if manager {
            ("manager-assessment", "Manager assessment")
        } else {
            ("self-assessment", "Self assessment")
        };
        let value = text(manager);
        // A memo: the field is rebuilt only when it opens or closes, never per keystroke
        // (rebuilding it would lose the caret).
        let open = Memo::new(move |_| context.may(part));
        move || {
            if manager && !context.manager_side.get() {
                return view! {
                    <div class="statement">
                        <h3>{label}</h3>
                        <p class="item-meta" data-testid=id>
                            "Shown to you once the review is shared."
                        </p>
                    </div>
                }
                .into_any();
            }
            if open.get() {
                let on_input = Callback::new(move |typed: String| {
                    let _ = context.act(&format!("Edit the {}", label.to_lowercase()), |r, who| {
                        if manager {
                            r.set_manager_assessment(who, &typed)
                        } else {
                            r.set_self_assessment(who, &typed)
                        }
                    });
                });
                view! {
                    <div class="statement">
                        <CollaborativeText
                            id=id
                            label=label.to_owned()
                            value=value
                            on_input=on_input
                            rows=6
                        />
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="statement">
                        <h3>{label}</h3>
                        <p class="written" data-testid=id>
                            {move || {
                                let t = value.get();
                                if t.trim().is_empty() { "Not written yet.".to_owned() } else { t }
                            }}
                        </p>
                    </div>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="card" aria-labelledby="assessment-heading">
            <h2 id="assessment-heading">"Assessments"</h2>
            <p class="item-meta">
                "The employee writes the self assessment, the manager theirs; each is open at its own stage. What two people type at once merges."
            </p>
            {field(false)}
            {field(true)}
        </section>
    }
}

#[component]
pub fn QuestionsSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    // Rebuilt only when the questions, ratings, stage or person change. Written answers
    // are left out: they are saved as they are typed, and rebuilding their fields on a
    // keystroke would lose the caret. Each text field reads its own answer instead.
    let data = Memo::new(move |_| {
        let manager_side = context.manager_side.get();
        context.read(Default::default(), |r| {
            let c = context.capacity(r);
            let ratings: BTreeMap<ItemId, (Option<i64>, Option<i64>)> = r
                .answers
                .iter()
                .map(|(id, a)| {
                    // The manager's answers reach the employee once the review is shared.
                    let by_manager = a.manager_rating.filter(|_| manager_side);
                    (id.clone(), (a.employee_rating, by_manager))
                })
                .collect();
            (
                r.template.sections.clone(),
                ratings,
                r.scale.clone(),
                c,
                r.stage,
            )
        })
    });
    let written = move |question: ItemId, by_manager: bool| {
        Signal::derive(move || {
            if by_manager && !context.manager_side.get() {
                return String::new();
            }
            context.read(String::new(), |r| {
                r.answers
                    .get(&question)
                    .map(|a| {
                        if by_manager {
                            &a.by_manager
                        } else {
                            &a.by_employee
                        }
                        .as_str()
                        .to_owned()
                    })
                    .unwrap_or_default()
            })
        })
    };
    view! {
        {move || {
            let (sections, all_ratings, scale, capacity, stage) = data.get();
            let as_manager = capacity.manager || (capacity.hr && !capacity.employee);
            let may = |part| crate::model::review::check_write(part, stage, capacity).is_ok();
            sections
                .into_iter()
                .map(|section| {
                    let questions = section
                        .questions
                        .into_iter()
                        .map(|question| {
                            let (employee_rating, manager_rating) = all_ratings
                                .get(&question.id)
                                .copied()
                                .unwrap_or_default();
                            let scale = scale.clone();
                            let part = if as_manager {
                                Part::ManagerRatings
                            } else {
                                Part::SelfRatings
                            };
                            let open = may(part) || (!as_manager && may(Part::SelfAssessment))
                                || (as_manager && may(Part::ManagerAssessment));
                            let id = question.id.clone();
                            let prefix = format!("question-{id}");
                            let body = match question.answer {
                                Answer::Text => {
                                    let save = Callback::new(move |text: String| {
                                        let _ = context
                                            .act(
                                                "Answer a question",
                                                |r, who| r.answer(who, &id, Some(&text), None),
                                            );
                                    });
                                    view! {
                                        <CollaborativeText
                                            id=format!("{prefix}-employee")
                                            label="Employee"
                                            rows=3
                                            value=written(question.id.clone(), false)
                                            on_input=save
                                            disabled=as_manager || !open
                                        />
                                        <CollaborativeText
                                            id=format!("{prefix}-manager")
                                            label="Manager"
                                            rows=3
                                            value=written(question.id.clone(), true)
                                            on_input=save
                                            disabled=!as_manager || !open
                                        />
                                    }
                                        .into_any()
                                }
                                Answer::Rating => {
                                    let rate = Callback::new(move |value: Option<i64>| {
                                        let _ = context
                                            .act(
                                                "Rate a question",
                                                |r, who| r.answer(who, &id, None, value),
                                            );
                                    });
                                    view! {
                                        <RatingSelect
                                            id=format!("{prefix}-employee")
                                            label="Employee".to_owned()
                                            scale=scale.clone()
                                            value=employee_rating
                                            disabled=as_manager || !open
                                            on_change=rate
                                        />
                                        <RatingSelect
                                            id=format!("{prefix}-manager")
                                            label="Manager".to_owned()
                                            scale=scale
                                            value=manager_rating
                                            disabled=!as_manager || !open
                                            on_change=rate
                                        />
                                    }
                                        .into_any()
                                }
                            };
                            view! {
                                <fieldset class="question">
                                    <legend>{question.text.clone()}</legend>
                                    <div class="form-grid">{body}</div>
                                </fieldset>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="card">
                            <h2>{section.title.clone()}</h2>
                            {questions}
                        </section>
                    }
                })
                .collect_view()
        }}
    }
}

#[component]
pub fn RatingsSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    // A memo of what the ratings show, so typing in an assessment (a new review value)
    // does not rebuild these selects.
    let data = Memo::new(move |_| {
        let manager_side = context.manager_side.get();
        context.read(Default::default(), |r| {
            // The manager's ratings reach the employee once the review is shared.
            let mut competencies = r.competencies.clone();
            if !manager_side {
                for ratings in competencies.values_mut() {
                    ratings.by_manager = None;
                }
            }
            (
                r.scale.clone(),
                r.template.competencies.clone(),
                competencies,
                r.overall.filter(|_| manager_side),
                r.potential.filter(|_| manager_side),
                context.capacity(r),
                r.stage,
            )
        })
    });
    let body = move || {
        let (scale, competencies, ratings, overall, potential, capacity, stage) = data.get();
        let as_manager = capacity.manager || (capacity.hr && !capacity.employee);
        let open = |part| crate::model::review::check_write(part, stage, capacity).is_ok();
        let self_open = !as_manager && open(Part::SelfRatings);
        let manager_open = as_manager && open(Part::ManagerRatings);
        let rows = competencies
            .into_iter()
            .map(|competency| {
                let given = ratings.get(&competency.id).cloned().unwrap_or_default();
                let id = competency.id.clone();
                let rate = Callback::new(move |value: Option<i64>| {
                    let _ = context.act("Rate a competency", |r, who| {
                        r.rate_competency(who, &id, value)
                    });
                });
                let prefix = format!("competency-{}", competency.id);
                view! {
                    <fieldset class="question">
                        <legend>{competency.name.clone()}</legend>
                        {(!competency.description.is_empty())
                            .then(|| {
                                view! { <p class="item-meta">{competency.description.clone()}</p> }
                            })}
                        <div class="form-grid">
                            <RatingSelect
                                id=format!("{prefix}-self")
                                label="Self".to_owned()
                                scale=scale.clone()
                                value=given.by_employee
                                disabled=!self_open
                                on_change=rate
                            />
                            <RatingSelect
                                id=format!("{prefix}-manager")
                                label="Manager".to_owned()
                                scale=scale.clone()
                                value=given.by_manager
                                disabled=!manager_open
                                on_change=rate
                            />
                        </div>
                    </fieldset>
                }
            })
            .collect_view();
        let set_overall = Callback::new(move |value: Option<i64>| {
            let _ = context.act("Set the overall rating", |r, who| r.set_overall(who, value));
        });
        let set_potential = move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let potential = Potential::ALL.into_iter().find(|p| p.short() == value);
            let _ = context.act("Set the potential", |r, who| {
                r.set_potential(who, potential)
            });
        };
        view! {
            {rows}
            <fieldset class="question">
                <legend>"Overall"</legend>
                <div class="form-grid">
                    <RatingSelect
                        id="overall-rating".to_owned()
                        label="Overall rating".to_owned()
                        scale=scale
                        value=overall
                        disabled=!manager_open
                        on_change=set_overall
                    />
                    <label for="potential">"Potential"</label>
                    <select id="potential" disabled=!manager_open on:change=set_potential>
                        <option value="" selected=potential.is_none()>
                            "Not judged"
                        </option>
                        {Potential::ALL
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option value=p.short() selected=potential == Some(p)>
                                        {p.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </fieldset>
        }
    };
    view! {
        <section class="card" aria-labelledby="ratings-heading">
            <h2 id="ratings-heading">"Ratings"</h2>
            <p class="item-meta">
                "The employee rates themselves during self review; the manager rates from manager review, and HR may adjust in calibration. The employee sees the manager's ratings once the review is shared."
            </p>
            {body}
        </section>
    }
}
