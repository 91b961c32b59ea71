//! The manager's side of a review lives in a document the employee never holds: what the
//! manager drafts (assessment, written answers, every rating, potential) and calibration
//! notes are written there, reach the review the employee holds only when it is shared
//! (calibration notes never), and nothing of them is in the review's history before.

use std::rc::Rc;

use automerge::AutoCommit;
use throughline::model::review::{
    Answer, Band, ManagerSide, NineBox, Potential, Review, ReviewSetup, Stage,
};
use throughline::model::{DocumentView, ItemId, PersonId};
use throughline::store::{DocHandle, MemoryStorage};

type Handle = DocHandle<Rc<MemoryStorage>>;

fn ana() -> PersonId {
    PersonId::from("ana")
}
fn bo() -> PersonId {
    PersonId::from("bo")
}

/// Ana's review at `stage`, made by HR's device, with a goal.
fn review_at(stage: Stage) -> (Handle, ItemId) {
    let mut review = Review::new(ReviewSetup::example(&ana(), Some(&bo())));
    let manager = bo();
    let goal = review
        .add_goal(review.actor(&manager), "Ship the app", 100)
        .expect("a goal");
    review.stage = stage;
    let handle = DocHandle::create(Rc::new(MemoryStorage::new()), &review, "Start").unwrap();
    (handle, goal)
}

/// The manager's side of `review`, set up on a device of its own.
fn side_of(review: &Handle) -> Handle {
    let side = DocHandle::expect(
        Rc::new(MemoryStorage::new()),
        ManagerSide::document_of(review.id()),
    );
    let initial = ManagerSide::initial(review.id(), &review.current::<Review>().unwrap());
    assert!(side
        .merge_initial(&initial, "Start the manager's side")
        .unwrap());
    side
}

/// One edit as the UI makes it on a device holding the side: one change to each document.
fn edit<R, E: std::fmt::Display>(
    review: &Handle,
    side: &Handle,
    edit: impl FnOnce(&mut Review) -> Result<R, E>,
) -> Result<R, String> {
    review
        .change("Edit", |own: &mut Review| {
            side.change("Edit", |side: &mut ManagerSide| {
                ManagerSide::edit(own, side, |r| edit(r).map_err(|e| e.to_string()))
            })
            .map(|(_, result)| result)
            .map_err(|e| e.to_string())
        })
        .map(|(_, result)| result)
        .map_err(|e| e.to_string())
}

fn shown(review: &Handle, side: &Handle) -> Review {
    let own: Review = review.current().unwrap();
    own.with_manager_side(&side.current().unwrap())
}

fn question(review: &Review, kind: Answer) -> ItemId {
    review
        .template
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .find(|q| q.answer == kind)
        .map(|q| q.id.clone())
        .expect("the example template asks one of each")
}

/// Every state the review document has been in (after each of its changes).
fn every_state(review: &Handle) -> Vec<Review> {
    let doc = AutoCommit::load(&review.save_binary()).unwrap();
    let mut doc = doc;
    doc.get_changes(&[])
        .iter()
        .map(|change| change.hash())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|hash| Review::read(&doc.fork_at(&[hash]).unwrap()).unwrap())
        .collect()
}

/// Writes the manager's whole side of the review, as Bo, at manager review.
fn bo_writes_his_side(review: &Handle, side: &Handle, goal: &ItemId) {
    let own: Review = review.current().unwrap();
    let (written, rated) = (question(&own, Answer::Text), question(&own, Answer::Rating));
    let competency = own.template.competencies[0].id.clone();
    let goal = goal.clone();
    edit(review, side, |r| {
        let manager = bo();
        let bo = r.actor(&manager);
        r.set_manager_assessment(bo, "DRAFT: a strong year")?;
        r.answer(bo, &written, Some("BO WROTE THIS ANSWER"), None)?;
        r.answer(bo, &rated, None, Some(2))?;
        r.rate_competency(bo, &competency, Some(5))?;
        r.rate_goal(bo, &goal, Some(4))?;
        r.set_overall(bo, Some(3))?;
        r.set_potential(bo, Some(Potential::Moderate))
    })
    .expect("Bo writes his side");
}

#[test]
fn the_manager_s_draft_never_reaches_the_review_before_it_is_shared() {
    let (review, goal) = review_at(Stage::ManagerReview);
    let side = side_of(&review);
    // Ana writes her self assessment at the same stage's edit path: her words go to the
    // review, as before.
    edit(&review, &side, |r| {
        r.stage = Stage::SelfReview;
        let employee = ana();
        r.set_self_assessment(r.actor(&employee), "I shipped it.")?;
        r.stage = Stage::ManagerReview;
        Ok::<_, throughline::model::review::ReviewError>(())
    })
    .unwrap();
    bo_writes_his_side(&review, &side, &goal);

    // Bo's device shows the review whole.
    let whole = shown(&review, &side);
    assert_eq!(whole.manager_assessment.as_str(), "DRAFT: a strong year");
    assert_eq!(
        (whole.overall, whole.potential),
        (Some(3), Some(Potential::Moderate))
    );
    assert_eq!(whole.goals[&goal].manager_rating, Some(4));
    assert_eq!(whole.self_assessment.as_str(), "I shipped it.");

    // The review Ana holds has none of it, now or at any point of its history, and not in
    // its bytes either.
    for state in every_state(&review) {
        assert_eq!(state.manager_assessment.as_str(), "");
        assert_eq!((state.overall, state.potential), (None, None));
        assert!(state.goals.values().all(|g| g.manager_rating.is_none()));
        assert!(state.competencies.values().all(|c| c.by_manager.is_none()));
        assert!(state
            .answers
            .values()
            .all(|a| a.manager_rating.is_none() && a.by_manager.as_str().is_empty()));
    }
    let bytes = AutoCommit::load(&review.save_binary())
        .unwrap()
        .save_nocompress();
    for secret in ["DRAFT: a strong year", "BO WROTE THIS ANSWER"] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret:?} is in the review's bytes"
        );
    }
    let own: Review = review.current().unwrap();
    assert_eq!(own.self_assessment.as_str(), "I shipped it.");

    // Calibration: HR moves Ana on the 9-box; the note stays on the side.
    edit(&review, &side, |r| {
        let manager = bo();
        r.move_to(Stage::Calibration, r.actor(&manager))
            .map_err(|e| e.to_string())?;
        let to = NineBox {
            performance: Band::High,
            potential: Potential::High,
        };
        r.calibrate(r.actor(&manager), to, "Bo", 1)
            .map_err(|e| e.to_string())
    })
    .unwrap();
    let own: Review = review.current().unwrap();
    assert_eq!(own.stage, Stage::Calibration);
    assert!(own.calibration_notes.is_empty() && own.overall.is_none());
    assert_eq!(shown(&review, &side).calibration_notes.len(), 1);

    // Shared: the review now holds what Bo wrote, but no calibration note.
    edit(&review, &side, |r| {
        let manager = bo();
        r.move_to(Stage::Shared, r.actor(&manager))
            .map_err(|e| e.to_string())
    })
    .unwrap();
    let own: Review = review.current().unwrap();
    assert_eq!(own.manager_assessment.as_str(), "DRAFT: a strong year");
    assert_eq!(
        (own.overall, own.potential),
        (Some(4), Some(Potential::High))
    );
    assert_eq!(own.goals[&goal].manager_rating, Some(4));
    assert!(own.competencies.values().any(|c| c.by_manager == Some(5)));
    let written = question(&own, Answer::Text);
    assert_eq!(
        own.answers[&written].by_manager.as_str(),
        "BO WROTE THIS ANSWER"
    );
    assert!(own.calibration_notes.is_empty(), "calibration stays HR's");
    assert!(own.shows_manager_side(&side.current().unwrap()));
}

#[test]
fn an_edit_refused_changes_neither_document() {
    let (review, _) = review_at(Stage::ManagerReview);
    let side = side_of(&review);
    let (review_heads, side_heads) = (review.heads(), side.heads());
    // Ana may not rate herself overall, whatever her device sends through this path.
    let refused = edit(&review, &side, |r| {
        let employee = ana();
        r.set_overall(r.actor(&employee), Some(5))
    });
    assert!(refused.is_err());
    assert_eq!(review.heads(), review_heads);
    assert_eq!(side.heads(), side_heads);
}

#[test]
fn two_devices_setting_up_the_side_apart_hold_one_document_and_keep_both_texts() {
    let (review, _) = review_at(Stage::ManagerReview);
    // Bo's device and HR's each set the side up without the other.
    let (bo_side, hr_side) = (side_of(&review), side_of(&review));
    assert_eq!(
        bo_side.heads(),
        hr_side.heads(),
        "one first change, not two"
    );
    let write = |side: &Handle, words: &str| {
        let written = question(&review.current().unwrap(), Answer::Text);
        side.change("Write", |s: &mut ManagerSide| {
            s.answers
                .get_mut(&written)
                .expect("made with the side")
                .update(words);
            s.assessment.update(words);
            Ok::<_, String>(())
        })
        .unwrap();
    };
    write(&bo_side, "Bo's words.");
    write(&hr_side, "HR's words.");
    let mut from_hr = AutoCommit::load(&hr_side.save_binary()).unwrap();
    assert!(bo_side.merge(&mut from_hr).unwrap());
    let merged: ManagerSide = bo_side.current().unwrap();
    for text in [
        merged.assessment.as_str(),
        merged.answers.values().next().unwrap().as_str(),
    ] {
        assert!(
            text.contains("Bo's words.") && text.contains("HR's words."),
            "{text:?}"
        );
    }
    // Setting it up again changes nothing.
    let initial = ManagerSide::initial(review.id(), &review.current::<Review>().unwrap());
    assert!(!bo_side
        .merge_initial(&initial, "Start the manager's side")
        .unwrap());
}

#[test]
fn what_an_earlier_build_wrote_into_the_review_shows_until_it_is_written_again() {
    // A review begun by an earlier build: Bo's words and rating are in the review itself.
    let (review, _) = review_at(Stage::ManagerReview);
    review
        .change("Earlier build", |r: &mut Review| {
            let manager = bo();
            let bo = r.actor(&manager);
            r.set_manager_assessment(bo, "Old words")?;
            r.set_overall(bo, Some(3))
        })
        .unwrap();
    let side = side_of(&review);
    let whole = shown(&review, &side);
    assert_eq!(whole.manager_assessment.as_str(), "Old words");
    assert_eq!(whole.overall, Some(3));

    // Bo goes on typing: the whole text is on the side now, the review keeps the old.
    edit(&review, &side, |r| {
        let manager = bo();
        r.set_manager_assessment(r.actor(&manager), "Old words, and new ones")
    })
    .unwrap();
    assert_eq!(
        shown(&review, &side).manager_assessment.as_str(),
        "Old words, and new ones"
    );
    let own: Review = review.current().unwrap();
    assert_eq!(own.manager_assessment.as_str(), "Old words");
    // Clearing the rating clears it in both (it would show again otherwise).
    edit(&review, &side, |r| {
        let manager = bo();
        r.set_overall(r.actor(&manager), None)
    })
    .unwrap();
    assert_eq!(shown(&review, &side).overall, None);
    assert_eq!(review.current::<Review>().unwrap().overall, None);
}

/// Each edit writes only what it changed, and after it only the texts are read again
/// (`DocumentView::write_since` and `refresh` of `Review` and `ManagerSide`): a rating
/// between two bursts of typing must leave every text ready for the next words, on both
/// documents, and what is stored must be what is shown.
#[test]
fn typing_goes_on_after_edits_that_change_no_text() {
    let (review, goal) = review_at(Stage::SelfReview);
    let own: Review = review.current().unwrap();
    let written = question(&own, Answer::Text);
    let employee = ana();
    let manager = bo();
    let type_self = |text: &'static str| {
        review
            .change("Type", |r: &mut Review| {
                r.set_self_assessment(r.actor(&employee), text)
            })
            .unwrap();
    };
    type_self("I shipped");
    review
        .change("Progress", |r: &mut Review| {
            r.set_goal_progress(r.actor(&employee), &goal, 80)
        })
        .unwrap();
    type_self("I shipped it");
    review
        .change("Answer", |r: &mut Review| {
            r.answer(r.actor(&employee), &written, Some("Mine"), None)
        })
        .unwrap();
    type_self("I shipped it, on time.");

    review
        .change("Manager review", |r: &mut Review| {
            r.stage = Stage::ManagerReview;
            Ok::<_, throughline::model::review::ReviewError>(())
        })
        .unwrap();
    let side = side_of(&review);
    edit(&review, &side, |r| {
        r.set_manager_assessment(r.actor(&manager), "Strong")
    })
    .unwrap();
    edit(&review, &side, |r| {
        r.set_potential(r.actor(&manager), Some(Potential::High))
    })
    .unwrap();
    edit(&review, &side, |r| {
        r.answer(r.actor(&manager), &written, Some("His"), None)
    })
    .unwrap();
    edit(&review, &side, |r| {
        r.set_overall(r.actor(&manager), Some(4))
    })
    .unwrap();
    edit(&review, &side, |r| {
        r.set_manager_assessment(r.actor(&manager), "Strong, all year")
    })
    .unwrap();
    edit(&review, &side, |r| {
        r.answer(r.actor(&manager), &written, Some("His words"), None)
    })
    .unwrap();

    let whole = shown(&review, &side);
    assert_eq!(whole.self_assessment.as_str(), "I shipped it, on time.");
    assert_eq!(whole.goals[&goal].progress, 80);
    assert_eq!(whole.answers[&written].by_employee.as_str(), "Mine");
    assert_eq!(whole.manager_assessment.as_str(), "Strong, all year");
    assert_eq!(whole.answers[&written].by_manager.as_str(), "His words");
    assert_eq!(whole.overall, Some(4));
    assert_eq!(whole.potential, Some(Potential::High));
    // Read from the documents themselves, not from the views kept for the next edit.
    let stored: Review = review.view().unwrap();
    let stored_side: ManagerSide = side.view().unwrap();
    assert_eq!(
        stored.with_manager_side(&stored_side),
        whole,
        "what is stored is what is shown"
    );
}
