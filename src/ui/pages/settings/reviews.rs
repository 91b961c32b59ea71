//! Settings → Reviews: HR's rating scales and review templates. A cycle copies the scale
//! and template it uses into each review, so editing them here never changes a review
//! already started.

use leptos::prelude::*;

use crate::model::review::{Answer, Competency, Question, RatingScale, ReviewTemplate, Section};
use crate::model::ItemId;
use crate::ui::{Draft, WorkspaceState};

#[component]
pub fn ReviewSettings() -> impl IntoView {
    let identity = expect_context::<crate::ui::IdentityState>();
    // Scales and templates are HR's (everyone's, while nobody has claimed the workspace).
    let may_run_cycles = move || identity.access.with(|a| a.may_run_cycles());
    view! {
        <section
            class="card"
            aria-labelledby="review-settings-heading"
            style:display=move || if may_run_cycles() { "" } else { "none" }
        >
            <h2 id="review-settings-heading">"Reviews"</h2>
            <p class="item-meta">
                "Rating scales and review templates for review cycles. A cycle keeps its own copy, so changes here apply to cycles started afterwards."
            </p>
            <Scales />
            <Templates />
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
                <li>
                    <ScaleForm id=Some(id) scale=scale />
                </li>
            </For>
        </ul>
        <Show
            when=move || adding.get()
            fallback=move || {
                view! {
                    <button type="button" class="button" on:click=move |_| adding.set(true)>
                        "Add a rating scale"
                    </button>
                }
            }
        >
            <ScaleForm
                id=None
                scale=RatingScale::five_point()
                on_done=Callback::new(move |()| adding.set(false))
            />
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
    // Kept as typed until saved.
    let drafts = [
        Draft::editing(format!("{prefix}:name"), scale.name.clone()),
        Draft::editing(format!("{prefix}:levels"), scale.to_lines()),
    ];
    let [name, levels] = drafts.map(|d| d.text());
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
            drafts.iter().for_each(Draft::sent);
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
                <input id=format!("{prefix}-name") type="text" required bind:value=name />
                <label for=format!(
                    "{prefix}-levels",
                )>"Levels, one per line: value and label"</label>
                <textarea id=format!("{prefix}-levels") rows=5 bind:value=levels></textarea>
            </div>
            <crate::ui::components::FormMessage message=message />
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Save scale"
                </button>
                {on_done
                    .map(|done| {
                        view! {
                            <button type="button" class="button" on:click=move |_| done.run(())>
                                "Cancel"
                            </button>
                        }
                    })}
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
                <li>
                    <TemplateForm id=Some(id) template=template />
                </li>
            </For>
        </ul>
        <Show
            when=move || adding.get()
            fallback=move || {
                view! {
                    <button type="button" class="button" on:click=move |_| adding.set(true)>
                        "Add a review template"
                    </button>
                }
            }
        >
            <TemplateForm
                id=None
                template=example.clone()
                on_done=Callback::new(move |()| adding.set(false))
            />
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
    let title = if id.is_some() {
        template.name.clone()
    } else {
        "New review template".to_owned()
    };
    // The template as it is being edited, field by field; checked and saved as a whole.
    // Kept as typed until saved (as JSON in this browser's storage): a reload loses none
    // of it.
    let as_json = |t: &ReviewTemplate| serde_json::to_string(t).unwrap_or_default();
    let kept = Draft::editing(format!("{prefix}:template"), as_json(&template));
    let draft = RwSignal::new(
        kept.text()
            .with_untracked(|json| serde_json::from_str::<ReviewTemplate>(json).ok())
            .unwrap_or(template),
    );
    Effect::new(move |_| {
        let json = draft.with(as_json);
        kept.text().set(json);
    });
    let message = RwSignal::new(None::<Result<String, String>>);
    let existing = id.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let result = draft
            .get_untracked()
            .checked()
            .map_err(|refused| refused.to_string())
            .and_then(|checked| {
                let label = format!("Save review template \"{}\"", checked.name);
                match existing.clone() {
                    Some(id) => state.edit(&label, move |ws| ws.update_template(&id, checked)),
                    None => state.edit(&label, move |ws| {
                        ws.add_template(checked);
                        Ok::<_, std::convert::Infallible>(())
                    }),
                }
            });
        if result.is_ok() {
            kept.sent();
            if let Some(done) = on_done {
                return done.run(());
            }
        }
        message.set(Some(result.map(|()| "Saved.".to_owned())));
    };
    let name_id = format!("{prefix}-name");
    let name = draft.with_untracked(|t| t.name.clone());
    // Sections are keyed by place and by their questions, so adding or removing a
    // question redraws its section; typing in a field changes only the draft.
    let sections = move || {
        draft.with(|t| {
            t.sections
                .iter()
                .enumerate()
                .map(|(index, s)| {
                    let ids: Vec<ItemId> = s.questions.iter().map(|q| q.id.clone()).collect();
                    (index, ids)
                })
                .collect::<Vec<_>>()
        })
    };
    let competencies = move || {
        draft.with(|t| {
            t.competencies
                .iter()
                .enumerate()
                .map(|(index, c)| (index, c.id.clone()))
                .collect::<Vec<_>>()
        })
    };
    let section_prefix = prefix.clone();
    let competency_prefix = prefix.clone();
    view! {
        <form
            class="form nested-form template-form"
            on:submit=submit
            aria-label=format!("Review template: {title}")
        >
            <div class="form-grid">
                <label for=name_id.clone()>"Name"</label>
                <input
                    id=name_id
                    type="text"
                    required
                    prop:value=name
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|t| t.name = v);
                    }
                />
            </div>
            <h4>"Sections and questions"</h4>
            <ol class="plain-list template-sections">
                <For each=sections key=|row| row.clone() let((index, _questions))>
                    <SectionEditor draft=draft index=index prefix=section_prefix.clone() />
                </For>
            </ol>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    draft
                        .update(|t| {
                            t.sections
                                .push(Section {
                                    title: String::new(),
                                    questions: vec![
                                        Question {
                                            id: ItemId::random(),
                                            text: String::new(),
                                            answer: Answer::Text,
                                        },
                                    ],
                                })
                        })
                }
            >
                "Add a section"
            </button>
            <h4>"Competencies"</h4>
            <ol class="plain-list template-competencies">
                <For each=competencies key=|row| row.clone() let((index, _id))>
                    <CompetencyEditor draft=draft index=index prefix=competency_prefix.clone() />
                </For>
            </ol>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    draft
                        .update(|t| {
                            t.competencies
                                .push(Competency {
                                    id: ItemId::random(),
                                    name: String::new(),
                                    description: String::new(),
                                })
                        })
                }
            >
                "Add a competency"
            </button>
            <crate::ui::components::FormMessage message=message />
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Save template"
                </button>
                {on_done
                    .map(|done| {
                        view! {
                            <button type="button" class="button" on:click=move |_| done.run(())>
                                "Cancel"
                            </button>
                        }
                    })}
            </div>
        </form>
    }
}

/// One section of a template being edited: its title and its questions.
#[component]
fn SectionEditor(draft: RwSignal<ReviewTemplate>, index: usize, prefix: String) -> impl IntoView {
    let read = move |f: fn(&Section) -> String| {
        draft.with_untracked(|t| t.sections.get(index).map(f).unwrap_or_default())
    };
    let title_id = format!("{prefix}-section-{index}");
    let number = index + 1;
    let questions = move || {
        draft.with(|t| {
            t.sections
                .get(index)
                .map(|s| s.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let question_prefix = prefix.clone();
    view! {
        <li class="template-section">
            <fieldset class="question">
                <legend>{format!("Section {number}")}</legend>
                <div class="form-grid">
                    <label for=title_id.clone()>"Section title"</label>
                    <input
                        id=title_id
                        type="text"
                        prop:value=read(|s| s.title.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft
                                .update(|t| {
                                    if let Some(s) = t.sections.get_mut(index) {
                                        s.title = v;
                                    }
                                });
                        }
                    />
                </div>
                <ol class="plain-list">
                    <For each=questions key=|id| id.clone() let:question>
                        <QuestionEditor
                            draft=draft
                            section=index
                            id=question
                            prefix=question_prefix.clone()
                        />
                    </For>
                </ol>
                <div class="button-row">
                    <button
                        type="button"
                        class="button small"
                        on:click=move |_| {
                            draft
                                .update(|t| {
                                    if let Some(s) = t.sections.get_mut(index) {
                                        s.questions
                                            .push(Question {
                                                id: ItemId::random(),
                                                text: String::new(),
                                                answer: Answer::Text,
                                            });
                                    }
                                })
                        }
                    >
                        {format!("Add a question to section {number}")}
                    </button>
                    <button
                        type="button"
                        class="button small danger"
                        on:click=move |_| {
                            draft
                                .update(|t| {
                                    if index < t.sections.len() {
                                        t.sections.remove(index);
                                    }
                                })
                        }
                    >
                        {format!("Remove section {number}")}
                    </button>
                </div>
            </fieldset>
        </li>
    }
}

/// One question: its text and how it is answered.
#[component]
fn QuestionEditor(
    draft: RwSignal<ReviewTemplate>,
    section: usize,
    id: ItemId,
    prefix: String,
) -> impl IntoView {
    let (text, answer) = draft.with_untracked(|t| {
        t.sections
            .get(section)
            .and_then(|s| s.questions.iter().find(|q| q.id == id))
            .map(|q| (q.text.clone(), q.answer))
            .unwrap_or_default()
    });
    let field = format!("{prefix}-question-{id}");
    let kind = format!("{field}-answer");
    let update = {
        let id = id.clone();
        move |change: &dyn Fn(&mut Question)| {
            draft.update(|t| {
                if let Some(q) = t
                    .sections
                    .get_mut(section)
                    .and_then(|s| s.questions.iter_mut().find(|q| q.id == id))
                {
                    change(q);
                }
            })
        }
    };
    let set_text = update.clone();
    let set_answer = update;
    let remove = {
        let id = id.clone();
        move |_| {
            draft.update(|t| {
                if let Some(s) = t.sections.get_mut(section) {
                    s.questions.retain(|q| q.id != id);
                }
            })
        }
    };
    view! {
        <li class="form-grid template-question">
            <label for=field.clone()>"Question"</label>
            <input
                id=field
                type="text"
                prop:value=text
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    set_text(&|q: &mut Question| q.text = v.clone());
                }
            />
            <label for=kind.clone()>"Answered"</label>
            <select
                id=kind
                on:change=move |ev| {
                    let rated = event_target_value(&ev) == "rating";
                    set_answer(
                        &|q: &mut Question| {
                            q.answer = if rated { Answer::Rating } else { Answer::Text };
                        },
                    );
                }
            >
                <option value="text" selected=answer == Answer::Text>
                    "In words"
                </option>
                <option value="rating" selected=answer == Answer::Rating>
                    "On the rating scale"
                </option>
            </select>
            <button type="button" class="button small" on:click=remove>
                "Remove question"
            </button>
        </li>
    }
}

/// One competency: its name and what it means.
#[component]
fn CompetencyEditor(
    draft: RwSignal<ReviewTemplate>,
    index: usize,
    prefix: String,
) -> impl IntoView {
    let (name, description) = draft.with_untracked(|t| {
        t.competencies
            .get(index)
            .map(|c| (c.name.clone(), c.description.clone()))
            .unwrap_or_default()
    });
    let name_id = format!("{prefix}-competency-{index}");
    let description_id = format!("{name_id}-description");
    let number = index + 1;
    view! {
        <li class="form-grid template-competency">
            <label for=name_id.clone()>{format!("Competency {number}")}</label>
            <input
                id=name_id
                type="text"
                prop:value=name
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft
                        .update(|t| {
                            if let Some(c) = t.competencies.get_mut(index) {
                                c.name = v;
                            }
                        });
                }
            />
            <label for=description_id.clone()>"What it means"</label>
            <input
                id=description_id
                type="text"
                prop:value=description
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft
                        .update(|t| {
                            if let Some(c) = t.competencies.get_mut(index) {
                                c.description = v;
                            }
                        });
                }
            />
            <button
                type="button"
                class="button small"
                on:click=move |_| {
                    draft
                        .update(|t| {
                            if index < t.competencies.len() {
                                t.competencies.remove(index);
                            }
                        })
                }
            >
                {format!("Remove competency {number}")}
            </button>
        </li>
    }
}
