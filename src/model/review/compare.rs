//! Two states of a review as sentences a person understands ("Goal 'Ship the app'
//! progress changed from 40% to 60%"), for sign-off and for the review's history.

use super::Review;

/// What changed from `before` to `after`.
pub fn review_differences(before: &Review, after: &Review) -> Vec<String> {
    let mut out = Vec::new();
    let rating =
        |review: &Review, v: Option<i64>| v.map_or("none".to_owned(), |v| review.scale.describe(v));
    if before.stage != after.stage {
        out.push(format!(
            "Stage changed from {} to {}",
            before.stage.label(),
            after.stage.label()
        ));
    }
    for (id, goal) in &after.goals {
        match before.goals.get(id) {
            None => out.push(format!("Goal \"{}\" added", goal.name())),
            Some(old) => {
                if old.title != goal.title {
                    out.push(format!(
                        "Goal \"{}\" renamed to \"{}\"",
                        old.name(),
                        goal.name()
                    ));
                }
                if old.description != goal.description {
                    out.push(format!("Goal \"{}\" description changed", goal.name()));
                }
                if old.weight != goal.weight {
                    out.push(format!(
                        "Goal \"{}\" weight changed from {}% to {}%",
                        goal.name(),
                        old.weight,
                        goal.weight
                    ));
                }
                if old.progress != goal.progress {
                    out.push(format!(
                        "Goal \"{}\" progress changed from {}% to {}%",
                        goal.name(),
                        old.progress,
                        goal.progress
                    ));
                }
                if old.alignment != goal.alignment {
                    out.push(format!(
                        "Goal \"{}\" aligned to another objective",
                        goal.name()
                    ));
                }
                if old.self_rating != goal.self_rating {
                    out.push(format!(
                        "Goal \"{}\" self rating changed from {} to {}",
                        goal.name(),
                        rating(before, old.self_rating),
                        rating(after, goal.self_rating)
                    ));
                }
                if old.manager_rating != goal.manager_rating {
                    out.push(format!(
                        "Goal \"{}\" manager rating changed from {} to {}",
                        goal.name(),
                        rating(before, old.manager_rating),
                        rating(after, goal.manager_rating)
                    ));
                }
            }
        }
    }
    for (id, goal) in &before.goals {
        if !after.goals.contains_key(id) {
            out.push(format!("Goal \"{}\" removed", goal.name()));
        }
    }
    if before.self_assessment.as_str() != after.self_assessment.as_str() {
        out.push("Self assessment edited".to_owned());
    }
    if before.manager_assessment.as_str() != after.manager_assessment.as_str() {
        out.push("Manager assessment edited".to_owned());
    }
    if before.answers != after.answers {
        out.push("Answers to the review's questions changed".to_owned());
    }
    for competency in &after.template.competencies {
        let old = before
            .competencies
            .get(&competency.id)
            .cloned()
            .unwrap_or_default();
        let new = after
            .competencies
            .get(&competency.id)
            .cloned()
            .unwrap_or_default();
        if old.by_manager != new.by_manager {
            out.push(format!(
                "{} rating changed from {} to {}",
                competency.name,
                rating(before, old.by_manager),
                rating(after, new.by_manager)
            ));
        }
        if old.by_employee != new.by_employee {
            out.push(format!(
                "{} self rating changed from {} to {}",
                competency.name,
                rating(before, old.by_employee),
                rating(after, new.by_employee)
            ));
        }
    }
    if before.overall != after.overall {
        out.push(format!(
            "Overall rating changed from {} to {}",
            rating(before, before.overall),
            rating(after, after.overall)
        ));
    }
    if before.potential != after.potential {
        let potential = |p: Option<super::Potential>| p.map_or("none", |p| p.short());
        out.push(format!(
            "Potential changed from {} to {}",
            potential(before.potential),
            potential(after.potential)
        ));
    }
    if before.peer_feedback != after.peer_feedback
        || before.pulled_feedback != after.pulled_feedback
    {
        out.push("Feedback changed".to_owned());
    }
    for (id, action) in &after.development {
        match before.development.get(id) {
            None => out.push(format!("Development action \"{}\" added", action.action)),
            Some(old) if old != action => {
                out.push(format!("Development action \"{}\" changed", action.action))
            }
            Some(_) => {}
        }
    }
    for (id, action) in &before.development {
        if !after.development.contains_key(id) {
            out.push(format!("Development action \"{}\" removed", action.action));
        }
    }
    out
}
