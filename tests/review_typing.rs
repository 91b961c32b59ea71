//! What people type into a review is saved as they type and merges with what someone else
//! types at the same time: written answers, a goal's title and description, and peer
//! feedback are Automerge text, like the assessments. Documents written when these were
//! plain strings still read, and their first edit keeps the words.

use std::rc::Rc;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ObjType, ReadDoc, Value, ROOT};
use throughline::model::review::{Answer, Review, ReviewSetup, Stage};
use throughline::model::{DocumentView, ItemId, PersonId};
use throughline::store::{DocHandle, DocumentId, MemoryStorage};

fn ana() -> PersonId {
    PersonId::from("ana")
}
fn bo() -> PersonId {
    PersonId::from("bo")
}
fn cy() -> PersonId {
    PersonId::from("cy")
}

fn review_in(stage: Stage) -> Review {
    let mut review = Review::new(ReviewSetup::example(&ana(), Some(&bo())));
    review.stage = stage;
    review
}

/// The first question of the template answered in words.
fn written_question(review: &Review) -> ItemId {
    review
        .template
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .find(|q| q.answer == Answer::Text)
        .map(|q| q.id.clone())
        .expect("the example template asks a written question")
}

/// A second device: the document as `first` has it now, edited there by `edit` in one
/// change (as another device would, from its own read of the document).
fn edit_elsewhere(
    first: &DocHandle<Rc<MemoryStorage>>,
    edit: impl FnOnce(&mut Review),
) -> AutoCommit {
    let mut second = AutoCommit::load(&first.save_binary()).unwrap();
    let before = Review::read(&second).unwrap();
    let mut after = before.clone();
    edit(&mut after);
    after.write_since(&before, &mut second).unwrap();
    second.commit_with(CommitOptions::default().with_message("Typed elsewhere"));
    second
}

#[test]
fn two_people_typing_in_one_answer_keep_both_texts() {
    let start = review_in(Stage::SelfReview);
    let question = written_question(&start);
    let first = DocHandle::create(Rc::new(MemoryStorage::new()), &start, "Start").unwrap();
    // The answer's text exists from the start, so neither typist makes their own.
    let mut second = edit_elsewhere(&first, |review| {
        let who = ana();
        review
            .answer(review.actor(&who), &question, Some("We grew."), None)
            .unwrap();
    });
    // Typed keystroke by keystroke on this device, each its own change.
    let typed = "I led the launch.";
    for end in 1..=typed.len() {
        first
            .change("Answer a question", |review: &mut Review| {
                let who = ana();
                review.answer(review.actor(&who), &question, Some(&typed[..end]), None)
            })
            .unwrap();
    }
    assert!(first.merge(&mut second).unwrap());
    let merged: Review = first.current().unwrap();
    let answer = merged.answers[&question].by_employee.as_str().to_owned();
    assert!(answer.contains("I led the launch."), "{answer:?}");
    assert!(answer.contains("We grew."), "{answer:?}");
    assert_eq!(answer.len(), typed.len() + "We grew.".len());
}

#[test]
fn two_people_editing_a_goal_title_and_description_keep_both() {
    let first = DocHandle::create(
        Rc::new(MemoryStorage::new()),
        &review_in(Stage::Draft),
        "Start",
    )
    .unwrap();
    let (_, goal) = first
        .change("Add a goal", |review: &mut Review| {
            let who = bo();
            review.add_goal(review.actor(&who), "Ship the app", 50)
        })
        .unwrap();
    let mut second = edit_elsewhere(&first, |review| {
        let who = ana();
        let who = review.actor(&who);
        review
            .write_goal_title(who, &goal, "Ship the app to all")
            .unwrap();
        review
            .write_goal_description(who, &goal, "On phones.")
            .unwrap();
    });
    first
        .change("Edit a goal", |review: &mut Review| {
            let who = bo();
            let who = review.actor(&who);
            review.write_goal_title(who, &goal, "Ship the mobile app")?;
            review.write_goal_description(who, &goal, "And tablets.")
        })
        .unwrap();
    assert!(first.merge(&mut second).unwrap());
    let merged: Review = first.current().unwrap();
    let goal = &merged.goals[&goal];
    assert_eq!(goal.title.as_str(), "Ship the mobile app to all");
    let description = goal.description.as_str();
    assert!(
        description.contains("On phones.") && description.contains("And tablets."),
        "{description:?}"
    );
}

#[test]
fn a_goal_title_may_be_empty_while_retyped_but_not_too_long() {
    let mut review = review_in(Stage::Draft);
    let who = bo();
    let goal = review
        .add_goal(review.actor(&who), "Ship the app", 50)
        .unwrap();
    review
        .write_goal_title(review.actor(&who), &goal, "")
        .unwrap();
    assert_eq!(review.goals[&goal].name(), "Untitled goal");
    let long = "x".repeat(201);
    assert!(review
        .write_goal_title(review.actor(&who), &goal, &long)
        .is_err());
    assert_eq!(review.goals[&goal].title.as_str(), "");
    // The employee may not retitle goals outside the stages that allow it.
    let mut shared = review_in(Stage::Shared);
    let goal = {
        let mut draft = review_in(Stage::Draft);
        let id = draft
            .add_goal(draft.actor(&who), "Ship the app", 50)
            .unwrap();
        shared.goals = draft.goals.clone();
        id
    };
    let employee = ana();
    assert!(shared
        .write_goal_title(shared.actor(&employee), &goal, "Mine now")
        .is_err());
}

#[test]
fn peer_feedback_is_written_as_typed_and_counts_as_written_once_it_holds_words() {
    let mut review = review_in(Stage::SelfReview);
    let manager = bo();
    let request = review
        .request_feedback(review.actor(&manager), &cy(), true, 1)
        .unwrap();
    review.write_feedback(&cy(), &request, "Ana ", 2).unwrap();
    // A trailing space is kept while typing: the next keystroke follows it.
    assert_eq!(review.peer_feedback[&request].text.as_str(), "Ana ");
    assert_eq!(review.peer_feedback[&request].written_at, Some(2));
    review.write_feedback(&cy(), &request, "  ", 3).unwrap();
    assert_eq!(review.peer_feedback[&request].written_at, None);
    assert!(review
        .write_feedback(&ana(), &request, "Forged", 4)
        .is_err());
}

/// Rewrites a text field at `path` (map keys from the root) as the plain string it was in
/// documents written before it became text.
fn as_plain_string(doc: &mut AutoCommit, path: &[&str]) {
    let mut obj = ROOT;
    for key in &path[..path.len() - 1] {
        obj = match doc.get(&obj, *key).unwrap() {
            Some((Value::Object(ObjType::Map), id)) => id,
            other => panic!("{key}: {other:?}"),
        };
    }
    let key = path[path.len() - 1];
    let text = match doc.get(&obj, key).unwrap() {
        Some((Value::Object(ObjType::Text), id)) => doc.text(&id).unwrap(),
        other => panic!("{key}: {other:?}"),
    };
    doc.put(&obj, key, text).unwrap();
}

#[test]
fn a_review_that_kept_typed_fields_as_strings_reads_and_its_first_edit_keeps_the_words() {
    let mut start = review_in(Stage::SelfReview);
    let question = written_question(&start);
    let who = bo();
    let goal = start
        .add_goal(start.actor(&who), "Ship the app", 50)
        .unwrap();
    let request = start
        .request_feedback(start.actor(&who), &cy(), false, 1)
        .unwrap();
    let employee = ana();
    start
        .answer(start.actor(&employee), &question, Some("Old answer"), None)
        .unwrap();
    start
        .write_goal_description(start.actor(&employee), &goal, "Old words")
        .unwrap();
    start
        .write_feedback(&cy(), &request, "Old feedback", 2)
        .unwrap();
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &start).unwrap();
    let question_key = question.to_string();
    let goal_key = goal.to_string();
    let request_key = request.to_string();
    for path in [
        vec!["answers", question_key.as_str(), "by_employee"],
        vec!["answers", question_key.as_str(), "by_manager"],
        vec!["goals", goal_key.as_str(), "title"],
        vec!["goals", goal_key.as_str(), "description"],
        vec!["peer_feedback", request_key.as_str(), "text"],
    ] {
        as_plain_string(&mut doc, &path);
    }
    doc.commit();

    let old = Review::read(&doc).unwrap();
    assert_eq!(old.answers[&question].by_employee.as_str(), "Old answer");
    assert_eq!(old.goals[&goal].title.as_str(), "Ship the app");
    assert_eq!(old.goals[&goal].description.as_str(), "Old words");
    assert_eq!(old.peer_feedback[&request].text.as_str(), "Old feedback");

    // The old document itself on a device, edited as a person would.
    let handle = DocHandle::expect(Rc::new(MemoryStorage::new()), DocumentId::random());
    handle.merge(&mut doc).unwrap();
    handle
        .change("Answer a question", |review: &mut Review| {
            review.answer(
                review.actor(&employee),
                &question,
                Some("Old answer, more"),
                None,
            )
        })
        .unwrap();
    handle
        .change("Edit a goal", |review: &mut Review| {
            review.write_goal_title(review.actor(&employee), &goal, "Ship the app now")
        })
        .unwrap();
    let after: Review = handle.current().unwrap();
    assert_eq!(
        after.answers[&question].by_employee.as_str(),
        "Old answer, more"
    );
    assert_eq!(after.goals[&goal].title.as_str(), "Ship the app now");
    assert_eq!(after.goals[&goal].description.as_str(), "Old words");
    assert_eq!(after.peer_feedback[&request].text.as_str(), "Old feedback");
    // Stored as text from the first edit on, so later typists merge.
    let saved = AutoCommit::load(&handle.save_binary()).unwrap();
    let answers = match saved.get(ROOT, "answers").unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        other => panic!("{other:?}"),
    };
    let answer = match saved.get(&answers, question_key.as_str()).unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        saved.get(&answer, "by_employee").unwrap(),
        Some((Value::Object(ObjType::Text), _))
    ));
}

/// Every prefix of `typed`, ending on a character boundary: what a field reports
/// keystroke by keystroke.
fn keystrokes(typed: &str) -> impl Iterator<Item = &str> {
    typed
        .char_indices()
        .map(|(at, c)| &typed[..at + c.len_utf8()])
}

#[test]
fn accented_and_emoji_text_is_saved_exactly_as_typed_and_merges() {
    let start = review_in(Stage::SelfReview);
    let question = written_question(&start);
    let first = DocHandle::create(Rc::new(MemoryStorage::new()), &start, "Start").unwrap();
    let mut second = edit_elsewhere(&first, |review| {
        let who = ana();
        review
            .answer(review.actor(&who), &question, Some("Zoë ✓"), None)
            .unwrap();
    });
    // Typed keystroke by keystroke, then a word corrected in the middle and one deleted:
    // each edit lands after non-ASCII characters.
    let typed = "José led the café launch 🚀 with Müller; 日本 too.";
    let mut edits: Vec<String> = keystrokes(typed).map(str::to_owned).collect();
    edits.push(typed.replace("café", "cafe"));
    edits.push(typed.replace("café", "cafe").replace(" too", ""));
    for text in &edits {
        first
            .change("Answer a question", |review: &mut Review| {
                let who = ana();
                review.answer(review.actor(&who), &question, Some(text), None)
            })
            .unwrap();
    }
    let wanted = "José led the cafe launch 🚀 with Müller; 日本.";
    let saved = AutoCommit::load(&first.save_binary()).unwrap();
    let read = Review::read(&saved).unwrap();
    assert_eq!(read.answers[&question].by_employee.as_str(), wanted);

    assert!(first.merge(&mut second).unwrap());
    let merged: Review = first.current().unwrap();
    let answer = merged.answers[&question].by_employee.as_str().to_owned();
    assert!(answer.contains(wanted), "{answer:?}");
    assert!(answer.contains("Zoë ✓"), "{answer:?}");
    assert_eq!(answer.chars().count(), wanted.chars().count() + 5);
}
