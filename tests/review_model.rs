//! The rules of performance management: review stages and who may move them, ratings on
//! the scale, calibration on the 9-box and its write-back, sign-off and edits after it,
//! check-in action items carrying over, and concurrent calibration on two devices.

use std::rc::Rc;

use automerge::{AutoCommit, ChangeHash};
use throughline::model::check_in::CheckInSeries;
use throughline::model::nudge::Nudge;
use throughline::model::review::{
    check_changes, ratings_csv, Actor, Band, Capacity, ChangeRefused, CycleSetup, Deadlines,
    Distribution, NineBox, Potential, RatingScale, Response, Review, ReviewError, ReviewSetup,
    ReviewTemplate, Stage,
};
use throughline::model::{DocumentUrl, DocumentView, ItemId, PersonDetails, PersonId, Workspace};
use throughline::store::{ChangeError, DocHandle, MemoryStorage};

fn ana() -> PersonId {
    PersonId::from("ana")
}
fn bo() -> PersonId {
    PersonId::from("bo")
}
fn hr() -> PersonId {
    PersonId::from("hr")
}
fn peer() -> PersonId {
    PersonId::from("cy")
}

/// Ana's review, managed by Bo, run by HR.
fn review() -> Review {
    let mut setup = ReviewSetup::example(&ana(), Some(&bo()));
    setup.hr = vec![hr()];
    Review::new(setup)
}

fn review_in(stage: Stage) -> Review {
    let mut review = review();
    review.stage = stage;
    review
}

// ---- stages ----

#[test]
fn each_stage_moves_on_only_by_the_right_person() {
    // (from, who may move it on, who may not)
    let cases: [(Stage, &[PersonId], &[PersonId]); 4] = [
        (Stage::Draft, &[bo(), hr()], &[ana(), peer()]),
        (Stage::SelfReview, &[ana(), bo(), hr()], &[peer()]),
        (Stage::ManagerReview, &[bo(), hr()], &[ana(), peer()]),
        (Stage::Calibration, &[hr(), bo()], &[ana(), peer()]),
    ];
    for (from, allowed, refused) in cases {
        let to = from.next().unwrap();
        for person in allowed {
            let mut review = review_in(from);
            review
                .move_to(to, review.actor(person))
                .unwrap_or_else(|e| panic!("{person:?} from {from:?}: {e}"));
            assert_eq!(review.stage, to);
        }
        for person in refused {
            let mut review = review_in(from);
            assert!(
                review.move_to(to, review.actor(person)).is_err(),
                "{person:?} must not move a review on from {from:?}"
            );
            assert_eq!(review.stage, from, "a refused move changes nothing");
        }
    }
}

#[test]
fn a_review_moves_one_stage_at_a_time_and_is_never_moved_to_signed() {
    let mut review = review_in(Stage::Draft);
    let error = review
        .move_to(Stage::Calibration, review.actor(&hr()))
        .unwrap_err();
    assert_eq!(
        error,
        ReviewError::SkipsStages {
            from: Stage::Draft,
            to: Stage::Calibration
        }
    );
    let mut shared = review_in(Stage::Shared);
    let error = shared
        .move_to(Stage::Signed, shared.actor(&hr()))
        .unwrap_err();
    assert_eq!(error, ReviewError::SignedOnlyBySigning);
    assert_eq!(shared.stage, Stage::Shared);
}

#[test]
fn only_the_manager_or_hr_send_back_and_never_after_a_signature() {
    let mut review = review_in(Stage::ManagerReview);
    assert!(review
        .move_to(Stage::SelfReview, review.actor(&ana()))
        .is_err());
    review
        .move_to(Stage::SelfReview, review.actor(&bo()))
        .unwrap();
    let mut shared = review_in(Stage::Shared);
    shared
        .acknowledge(shared.actor(&ana()), "Ana", vec![], 1, Response::default())
        .unwrap();
    let error = shared
        .move_to(Stage::Calibration, shared.actor(&hr()))
        .unwrap_err();
    assert_eq!(error, ReviewError::SignedCannotGoBack);
}

#[test]
fn who_writes_what_follows_the_stage() {
    let mut review = review_in(Stage::SelfReview);
    review
        .set_self_assessment(review.actor(&ana()), "Shipped the app.")
        .unwrap();
    assert!(review
        .set_self_assessment(review.actor(&bo()), "x")
        .is_err());
    // The manager rates only from manager review on.
    assert!(review.set_overall(review.actor(&bo()), Some(4)).is_err());
    review.stage = Stage::ManagerReview;
    let error = review
        .set_self_assessment(review.actor(&ana()), "late edit")
        .unwrap_err();
    assert_eq!(
        error,
        ReviewError::PartClosed {
            stage: Stage::ManagerReview
        }
    );
    assert_eq!(review.self_assessment.as_str(), "Shipped the app.");
    review.set_overall(review.actor(&bo()), Some(4)).unwrap();
    assert!(
        review.set_overall(review.actor(&hr()), Some(3)).is_err(),
        "HR rates only in calibration"
    );
    review.stage = Stage::Calibration;
    review.set_overall(review.actor(&hr()), Some(3)).unwrap();
    assert_eq!(review.overall, Some(3));
}

// ---- bad input ----

#[test]
fn a_rating_outside_the_scale_is_refused_and_nothing_is_written() {
    let mut review = review_in(Stage::ManagerReview);
    let goal = review
        .add_goal(review.actor(&bo()), "Ship the app", 50)
        .unwrap();
    let before = review.clone();
    let error = review
        .set_overall(review.actor(&bo()), Some(7))
        .unwrap_err();
    assert_eq!(
        error,
        ReviewError::NotOnScale {
            value: 7,
            scale: "Five-point scale".to_owned(),
            values: vec![1, 2, 3, 4, 5],
        }
    );
    assert_eq!(
        error.to_string(),
        "7 is not on the scale \"Five-point scale\" (1, 2, 3, 4, 5)."
    );
    assert!(review
        .rate_goal(review.actor(&bo()), &goal, Some(0))
        .is_err());
    let competency = review.template.competencies[0].id.clone();
    assert!(review
        .rate_competency(review.actor(&bo()), &competency, Some(6))
        .is_err());
    assert_eq!(review, before);
}

#[test]
fn a_cycle_with_a_date_outside_it_is_refused() {
    let mut workspace = Workspace::new("Acme");
    let person = ana();
    workspace
        .add_person(
            person.clone(),
            PersonDetails {
                name: "Ana".into(),
                ..PersonDetails::default()
            },
        )
        .unwrap();
    let scale = workspace.add_scale(RatingScale::five_point());
    let template =
        workspace.add_template(ReviewTemplate::parse("Annual", "What went well?", "").unwrap());
    let mut setup = CycleSetup {
        name: "2027".into(),
        period_start: "2027-01-01".into(),
        period_end: "2027-12-31".into(),
        template: Some(template),
        scale: Some(scale),
        deadlines: Deadlines {
            self_review: "2028-01-15".into(),
            manager_review: "2028-01-31".into(),
            calibration: "2028-02-10".into(),
            sign_off: "2028-02-28".into(),
        },
        participants: vec![person],
        hr: vec![],
    };
    assert!(setup.check(&workspace, 0).is_ok());
    setup.deadlines.self_review = "2026-12-01".into();
    let error = setup.check(&workspace, 0).unwrap_err();
    assert_eq!(
        error,
        ReviewError::DateOutsideCycle {
            what: "The self review deadline".to_owned(),
            date: "2026-12-01".to_owned(),
            first: "2027-01-01".to_owned(),
            last: "2028-12-31".to_owned(),
        }
    );
    setup.deadlines.self_review = "2028-02-20".into();
    let error = setup.check(&workspace, 0).unwrap_err();
    assert_eq!(
        error,
        ReviewError::DeadlinesOutOfOrder {
            what: "The manager review deadline",
            date: "2028-01-31".to_owned(),
            before: "The self review deadline",
            before_date: "2028-02-20".to_owned(),
        },
        "deadlines in order"
    );
    assert_eq!(
        error.to_string(),
        "The manager review deadline (2028-01-31) is before the self review deadline (2028-02-20)."
    );
    setup.deadlines.self_review = "2028-01-15".into();
    setup.period_end = "2026-12-31".into();
    assert_eq!(
        setup.check(&workspace, 0),
        Err(ReviewError::PeriodBackwards {
            start: "2027-01-01".to_owned(),
            end: "2026-12-31".to_owned(),
        }),
        "a period that ends before it starts"
    );
}

#[test]
fn a_development_action_due_before_the_period_is_refused() {
    let mut review = review_in(Stage::SelfReview);
    let error = review
        .add_development(
            review.actor(&ana()),
            "Public speaking",
            "Give a talk",
            Some("2026-05-01"),
        )
        .unwrap_err();
    assert_eq!(
        error,
        ReviewError::DueBeforePeriod {
            due: "2026-05-01".to_owned(),
            start: "2027-01-01".to_owned(),
            end: "2027-12-31".to_owned(),
        }
    );
    assert!(review.development.is_empty());
}

// ---- calibration ----

#[test]
fn the_nine_box_reads_the_band_from_the_scale() {
    let scale = RatingScale::five_point();
    let bands: Vec<Band> = (1..=5).map(|v| Band::of(&scale, v)).collect();
    assert_eq!(
        bands,
        [Band::Low, Band::Low, Band::Moderate, Band::High, Band::High]
    );
    let mut review = review();
    assert_eq!(review.placement(), None, "no box before both ratings");
    review.overall = Some(5);
    review.potential = Some(Potential::Moderate);
    let placed = review.placement().unwrap();
    assert_eq!(placed.name(), "High performer");
    assert_eq!(NineBox::grid().len(), 9);
    assert_eq!(
        NineBox::grid()[0].name(),
        "Rough diamond",
        "top left: high potential, low performance"
    );
}

#[test]
fn the_distribution_counts_each_rating_and_the_unrated() {
    let mut reviews = Vec::new();
    for overall in [Some(3), Some(3), Some(5), None] {
        let mut review = review();
        review.overall = overall;
        reviews.push(review);
    }
    let distribution = Distribution::of(&RatingScale::five_point(), &reviews);
    assert_eq!(
        distribution.counts,
        vec![(1, 0), (2, 0), (3, 2), (4, 0), (5, 1)]
    );
    assert_eq!(distribution.unrated, 1);
    assert_eq!(distribution.rated(), 3);
    let shares = distribution.shares();
    assert!((shares[2].1 - 66.666).abs() < 0.01);
}

#[test]
fn calibration_writes_the_rating_back_with_a_note() {
    let mut review = review_in(Stage::Calibration);
    review.overall = Some(2);
    review.potential = Some(Potential::Low);
    let to = NineBox {
        performance: Band::Moderate,
        potential: Potential::High,
    };
    review
        .calibrate(review.actor(&hr()), to, "Harriet", 1_000)
        .unwrap();
    assert_eq!(review.overall, Some(3), "the nearest value in the band");
    assert_eq!(review.potential, Some(Potential::High));
    assert_eq!(review.placement(), Some(to));
    let notes = review.calibration_history();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].by, hr());
    assert_eq!(
        notes[0].describe(&review.scale),
        "Harriet changed the overall rating from 2 – Partly meets expectations to 3 – Meets expectations and potential from Low to High in calibration."
    );
    // Within the same band the rating is kept.
    review.overall = Some(5);
    review
        .calibrate(
            review.actor(&hr()),
            NineBox {
                performance: Band::High,
                potential: Potential::High,
            },
            "Harriet",
            2_000,
        )
        .unwrap();
    assert_eq!(review.overall, Some(5));
}

#[test]
fn calibration_is_refused_outside_its_stage_and_to_the_employee() {
    let mut review = review_in(Stage::ManagerReview);
    let to = NineBox {
        performance: Band::High,
        potential: Potential::High,
    };
    assert!(review.calibrate(review.actor(&hr()), to, "H", 1).is_err());
    review.stage = Stage::Calibration;
    assert!(review
        .calibrate(review.actor(&ana()), to, "Ana", 1)
        .is_err());
    assert!(review.calibration_notes.is_empty());
}

#[test]
fn two_people_calibrating_the_same_person_at_once_settle_on_one_placement() {
    let storage = Rc::new(MemoryStorage::new());
    let mut start = review_in(Stage::Calibration);
    start.hr.insert(PersonId::from("hr2"), true);
    start.overall = Some(3);
    start.potential = Some(Potential::Moderate);
    let first = DocHandle::create(storage, &start, "Start the review").unwrap();
    let mut second = AutoCommit::load(&first.save_binary()).unwrap();

    first
        .change("Calibrate Ana", |review: &mut Review| {
            let to = NineBox {
                performance: Band::High,
                potential: Potential::High,
            };
            review.calibrate(review.actor(&hr()), to, "Harriet", 10)
        })
        .unwrap();
    let before = Review::read(&second).unwrap();
    let mut other = before.clone();
    let hr2 = PersonId::from("hr2");
    let to = NineBox {
        performance: Band::Low,
        potential: Potential::Moderate,
    };
    other.calibrate(other.actor(&hr2), to, "Hugo", 11).unwrap();
    other.write_since(&before, &mut second).unwrap();
    second.commit_with(
        automerge::transaction::CommitOptions::default().with_message("Calibrate Ana (Hugo)"),
    );

    assert!(first.merge(&mut second).unwrap());
    let merged: Review = first.current().unwrap();
    let placement = merged.placement().unwrap();
    assert!(
        [Band::High, Band::Low].contains(&placement.performance),
        "one of the two moves wins: {placement:?}"
    );
    assert_eq!(merged.calibration_notes.len(), 2, "both moves are noted");
    let messages: Vec<String> = first
        .history()
        .iter()
        .flat_map(|s| s.changes.iter().map(|c| c.message.clone()))
        .collect();
    assert!(
        messages.contains(&"Calibrate Ana".to_owned()),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"Calibrate Ana (Hugo)".to_owned()),
        "{messages:?}"
    );
    // The other device converges on the same placement.
    let other_side = AutoCommit::load(&first.save_binary()).unwrap();
    let there = Review::read(&other_side).unwrap();
    assert_eq!(there.placement(), merged.placement());
}

// ---- sign-off ----

fn hex(heads: &[ChangeHash]) -> Vec<String> {
    heads.iter().map(ToString::to_string).collect()
}

#[test]
fn signing_records_the_heads_and_later_edits_are_found() {
    let storage = Rc::new(MemoryStorage::new());
    let mut start = review_in(Stage::Shared);
    start.goals.clear();
    let handle = DocHandle::create(storage, &start, "Start the review").unwrap();
    handle
        .change("Set a goal", |r: &mut Review| {
            r.stage = Stage::Draft;
            let id = r.add_goal(r.actor(&bo()), "Ship the app", 100)?;
            r.set_goal_progress(r.actor(&bo()), &id, 80)?;
            r.stage = Stage::Shared;
            Ok::<_, ReviewError>(())
        })
        .unwrap();
    let acknowledged_at = handle.heads();
    handle
        .change("Acknowledge the review", |r: &mut Review| {
            r.acknowledge(
                r.actor(&ana()),
                "Ana",
                hex(&acknowledged_at),
                1,
                Response::default(),
            )
        })
        .unwrap();
    let signed_at = handle.heads();
    let (review, ()) = handle
        .change("Sign the review", |r: &mut Review| {
            r.sign(r.actor(&bo()), "Bo", hex(&signed_at), 2)
        })
        .unwrap();
    assert_eq!(review.stage, Stage::Signed);
    let signature = review.final_signature().unwrap();
    assert_eq!(signature.heads, hex(&signed_at));
    assert_eq!(signature.by, bo());

    let at_signing: Review = handle.view_at(&signed_at).unwrap();
    assert!(
        review.edits_after_sign_off(&at_signing).is_empty(),
        "signing is not an edit"
    );

    // A development action added afterwards (allowed: the plan lives on) is an edit after sign-off.
    let (review, _) = handle
        .change("Plan a course", |r: &mut Review| {
            r.add_development(r.actor(&ana()), "Rust", "Take the course", None)
        })
        .unwrap();
    let edits = review.edits_after_sign_off(&at_signing);
    assert_eq!(
        edits,
        vec!["Development action \"Take the course\" added".to_owned()]
    );
    // The signed state is still there to read.
    let signed_again: Review = handle.view_at(&signed_at).unwrap();
    assert!(signed_again.development.is_empty());
}

#[test]
fn signing_a_review_that_is_not_shared_is_refused_and_nothing_is_written() {
    let storage = Rc::new(MemoryStorage::new());
    let handle = DocHandle::create(storage, &review_in(Stage::ManagerReview), "Start").unwrap();
    let heads = handle.heads();
    let outcome = handle.change("Sign the review", |r: &mut Review| {
        r.sign(r.actor(&bo()), "Bo", hex(&heads), 2)
    });
    let Err(ChangeError::Refused(error)) = outcome else {
        panic!("signing in manager review must be refused");
    };
    assert_eq!(
        error,
        ReviewError::NotSharedYet {
            what: "signed",
            stage: Stage::ManagerReview
        }
    );
    assert_eq!(handle.heads(), heads, "nothing written");
    let mut shared = review_in(Stage::Shared);
    assert!(
        shared
            .acknowledge(shared.actor(&bo()), "Bo", vec![], 1, Response::default())
            .is_err(),
        "the manager does not acknowledge"
    );
    assert!(
        shared.sign(shared.actor(&ana()), "Ana", vec![], 1).is_err(),
        "the employee does not sign"
    );
}

// ---- check-ins ----

#[test]
fn open_action_items_carry_over_until_done() {
    let mut series = CheckInSeries::new(&bo(), &ana());
    let first = series.add_meeting("2027-03-01").unwrap();
    let second = series.add_meeting("2027-03-15").unwrap();
    let third = series.add_meeting("2027-03-29").unwrap();
    let training = series
        .add_action(
            &first,
            "Book the training",
            Some(&ana()),
            Some("2027-03-10"),
        )
        .unwrap();
    let done_at_once = series
        .add_action(&first, "Share the slides", Some(&bo()), None)
        .unwrap();
    series.set_done(&done_at_once, Some(&first)).unwrap();

    let in_second: Vec<_> = series
        .actions_for(&second)
        .into_iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(
        in_second,
        vec![training.clone()],
        "the open item is carried over, the done one is not"
    );
    assert!(series.carried_over(&series.actions[&training], &second));

    series.set_done(&training, Some(&second)).unwrap();
    assert_eq!(
        series.actions_for(&second).len(),
        1,
        "shown where it was done"
    );
    assert!(series.actions_for(&third).is_empty(), "and no later");
    assert_eq!(series.actions_for(&first).len(), 2);
    assert_eq!(series.open_actions(), 0);
    // A meeting added between two others picks up what was open then.
    let reopened = series
        .add_action(&second, "Follow up with IT", None, None)
        .unwrap();
    assert_eq!(series.actions_for(&third).len(), 1);
    assert_eq!(series.actions_for(&third)[0].0, &reopened);
}

#[test]
fn either_of_the_pair_changes_check_ins_as_the_page_does_and_nothing_more() {
    use throughline::model::check_in::{CheckInError, PairMember};
    use throughline::model::part_check::{PartRefused, PartRules};
    let (bo, ana, cy) = (bo(), ana(), peer());
    let mut series = CheckInSeries::new(&bo, &ana);
    let meeting = series.add_meeting("2027-03-01").unwrap();
    let topic = series
        .add_agenda_item(&meeting, "Team changes", Some(&bo), 1)
        .unwrap();
    let action = series
        .add_action(&meeting, "Book the training", Some(&ana), None)
        .unwrap();
    let as_ana = PairMember {
        person: &ana,
        manager: &bo,
        employee: &ana,
    };
    let check = |edit: &dyn Fn(&mut CheckInSeries), who: PairMember| {
        let mut after = series.clone();
        edit(&mut after);
        series.check_change_by(&after, who)
    };
    let refused = |why: CheckInError| -> Result<(), PartRefused> { Err(PartRefused::CheckIn(why)) };
    // What the page lets either of them do, Ana here: all taken.
    type Edit<'a> = &'a dyn Fn(&mut CheckInSeries);
    let allowed: [Edit; 7] = [
        &|s| {
            s.add_meeting("2027-03-15").unwrap();
        },
        &|s| s.set_notes(&meeting, "We talked.").unwrap(),
        &|s| {
            s.add_agenda_item(&meeting, "My promotion", Some(&ana), 2)
                .unwrap();
        },
        &|s| s.set_discussed(&topic, true).unwrap(),
        &|s| s.remove_agenda_item(&topic),
        &|s| s.set_done(&action, Some(&meeting)).unwrap(),
        &|s| {
            s.add_action(&meeting, "Send the slides", Some(&bo), Some("2027-03-08"))
                .unwrap();
        },
    ];
    for edit in allowed {
        assert_eq!(check(edit, as_ana), Ok(()));
    }
    // What it never does.
    let cases: [(Edit, CheckInError); 6] = [
        (
            &|s| {
                s.add_agenda_item(&meeting, "Raise for Ana", Some(&bo), 2)
                    .unwrap();
            },
            CheckInError::InAnotherName,
        ),
        (&|s| s.employee = cy.clone(), CheckInError::PairFixed),
        (
            &|s| {
                s.add_action(&meeting, "Cover on-call", Some(&cy), None)
                    .unwrap();
            },
            CheckInError::OwnerOutsideThePair,
        ),
        (
            &|s| s.agenda.get_mut(&topic).unwrap().text = "Something else".into(),
            CheckInError::ItemFixed {
                what: "An agenda item",
                how: "it is marked discussed or removed.",
            },
        ),
        (
            &|s| s.actions.get_mut(&action).unwrap().owner = Some(bo.clone()),
            CheckInError::ItemFixed {
                what: "An action item",
                how: "it is marked done or removed.",
            },
        ),
        (
            &|s| {
                s.meetings.clear();
            },
            CheckInError::ItemFixed {
                what: "A meeting",
                how: "only its notes change.",
            },
        ),
    ];
    for (edit, why) in cases {
        assert_eq!(check(edit, as_ana), refused(why));
    }
    // Someone outside the pair changes nothing (the rules would not give them the
    // series; were it listed for them by a forged entry, this holds still).
    let as_cy = PairMember {
        person: &cy,
        manager: &bo,
        employee: &ana,
    };
    assert_eq!(
        check(&|s| s.set_notes(&meeting, "Cy was here.").unwrap(), as_cy),
        refused(CheckInError::NotInThePair)
    );
    // Started by one of the pair, for the pair listed.
    assert!(CheckInSeries::fresh(&CheckInSeries::new(&bo, &ana), as_ana).is_some());
    assert!(CheckInSeries::fresh(&CheckInSeries::new(&bo, &cy), as_ana).is_none());
    assert!(CheckInSeries::fresh(&CheckInSeries::new(&bo, &ana), as_cy).is_none());
}

#[test]
fn agenda_items_added_by_both_people_offline_are_both_kept() {
    let mut series = CheckInSeries::new(&bo(), &ana());
    let meeting = series.add_meeting("2027-04-01").unwrap();
    let mut first = AutoCommit::new();
    autosurgeon::reconcile(&mut first, &series).unwrap();
    first.commit();
    let mut second = first.fork();
    for (doc, who, text) in [
        (&mut first, bo(), "Team changes"),
        (&mut second, ana(), "My promotion"),
    ] {
        let before = CheckInSeries::read(doc).unwrap();
        let mut after = before.clone();
        after
            .add_agenda_item(&meeting, text, Some(&who), 5)
            .unwrap();
        after.write_since(&before, doc).unwrap();
        doc.commit();
    }
    first.merge(&mut second).unwrap();
    let merged = CheckInSeries::read(&first).unwrap();
    let texts: Vec<&str> = merged
        .agenda_for(&meeting)
        .iter()
        .map(|(_, a)| a.text.as_str())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts.contains(&"Team changes") && texts.contains(&"My promotion"));
}

#[test]
fn check_in_refusals_say_what_was_wrong() {
    use throughline::model::check_in::CheckInError;
    use throughline::model::plan::PlanError;
    use throughline::model::ItemId;
    let mut series = CheckInSeries::new(&bo(), &ana());
    assert_eq!(
        series.add_meeting("soon"),
        Err(CheckInError::MeetingDateInvalid {
            reason: PlanError::NotADate {
                text: "soon".to_owned()
            }
        })
    );
    let meeting = series.add_meeting("2027-03-01").unwrap();
    let removed = ItemId::random();
    assert_eq!(
        series.add_agenda_item(&removed, "Team changes", None, 1),
        Err(CheckInError::MeetingGone)
    );
    assert_eq!(
        series.set_notes(&removed, "Notes"),
        Err(CheckInError::MeetingGone)
    );
    assert_eq!(
        series.add_agenda_item(&meeting, " ", None, 1),
        Err(CheckInError::TextMissing {
            what: "An agenda item"
        })
    );
    assert_eq!(
        series.add_action(&meeting, &"x".repeat(501), None, None),
        Err(CheckInError::TextTooLong {
            what: "An action item"
        })
    );
    assert_eq!(
        series.add_action(&meeting, "Book the course", None, Some("2027-02-30")),
        Err(CheckInError::DueDateInvalid {
            reason: PlanError::NoSuchDay {
                date: "2027-02-30".to_owned()
            }
        })
    );
    assert_eq!(
        series.set_discussed(&removed, true),
        Err(CheckInError::AgendaItemGone)
    );
    assert_eq!(
        series.set_done(&removed, Some(&meeting)),
        Err(CheckInError::ActionItemGone)
    );
    let action = series
        .add_action(&meeting, "Book the course", None, Some(" "))
        .unwrap();
    assert_eq!(
        series.set_done(&action, Some(&removed)),
        Err(CheckInError::MeetingGone)
    );
    assert!(series.agenda.is_empty());
    assert_eq!(series.actions.len(), 1, "only the one that was accepted");
}

// ---- exports ----

#[test]
fn the_cycle_ratings_csv_quotes_and_defuses_cells() {
    let mut review = review();
    review.overall = Some(4);
    review.potential = Some(Potential::High);
    let names = |p: &PersonId| match p.as_str() {
        "ana" => "=Ana, \"the\" best".to_owned(),
        _ => "Bo".to_owned(),
    };
    let csv = ratings_csv([&review], &names);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert!(lines[0].starts_with("Employee,Manager,Stage,Overall rating"));
    assert_eq!(
        lines[1],
        "\"'=Ana, \"\"the\"\" best\",Bo,Draft,4,Exceeds expectations,High,Star,,no,no"
    );
}

#[test]
fn the_review_reads_as_markdown_and_hides_anonymous_writers_from_the_employee() {
    let mut review = review_in(Stage::SelfReview);
    let goal = review
        .add_goal(review.actor(&bo()), "Ship the app", 60)
        .unwrap();
    review
        .set_goal_progress(review.actor(&bo()), &goal, 75)
        .unwrap();
    let request = review
        .request_feedback(review.actor(&bo()), &peer(), true, 1)
        .unwrap();
    review
        .write_feedback(&peer(), &request, "Great partner.", 2)
        .unwrap();
    review
        .set_self_assessment(review.actor(&ana()), "I shipped it.")
        .unwrap();
    let name = |p: &PersonId| p.as_str().to_uppercase();
    let objective = |_: &throughline::model::review::Alignment| None;
    let time = |_: i64| "today".to_owned();
    let as_employee = review.to_markdown(&throughline::model::review::ReviewContext {
        person_name: &name,
        objective: &objective,
        viewer: Some(&ana()),
        format_time: &time,
        asked: &[],
    });
    assert!(as_employee.starts_with("# ANA — 2027 annual review"));
    assert!(as_employee.contains("### Ship the app"));
    assert!(as_employee.contains("- Progress: 75%"));
    assert!(as_employee.contains("I shipped it."));
    assert!(as_employee.contains("a colleague (anonymous)"));
    assert!(
        !as_employee.contains("CY"),
        "the writer stays anonymous to the employee"
    );
    let as_manager = review.to_markdown(&throughline::model::review::ReviewContext {
        person_name: &name,
        objective: &objective,
        viewer: Some(&bo()),
        format_time: &time,
        asked: &[],
    });
    assert!(as_manager.contains("— CY"));
}

#[test]
fn the_review_and_the_workspace_export_as_documented_json() {
    let mut review = review_in(Stage::SelfReview);
    let goal = review
        .add_goal(review.actor(&bo()), "Ship the app", 60)
        .unwrap();
    review
        .set_self_assessment(review.actor(&ana()), "Shipped.")
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&review.to_json("automerge:abc")).unwrap();
    assert_eq!(json["format"], "throughline-review");
    assert_eq!(json["version"], 1);
    assert_eq!(json["document"], "automerge:abc");
    assert_eq!(json["stage"], "SelfReview");
    assert_eq!(json["selfAssessment"], "Shipped.");
    assert_eq!(json["goals"][goal.as_str()]["weight"], 60);
    assert_eq!(
        json["goals"][goal.as_str()]["selfRating"],
        serde_json::Value::Null
    );
    assert_eq!(json["scale"]["levels"][2]["label"], "Meets expectations");
    assert_eq!(
        json["template"]["sections"][0]["questions"][1]["answer"],
        "Rating"
    );

    let mut workspace = Workspace::new("Acme");
    let scale = workspace.add_scale(RatingScale::five_point());
    workspace.list_check_ins("automerge:series", &bo(), &ana());
    let json: serde_json::Value = serde_json::from_str(&workspace.to_json("automerge:ws")).unwrap();
    assert_eq!(json["scales"][scale.as_str()]["name"], "Five-point scale");
    assert_eq!(json["checkIns"]["automerge:series"]["employee"], "ana");
    assert!(
        !workspace.is_pristine(),
        "a workspace with a scale is not empty"
    );
}

#[test]
fn the_employee_reads_the_managers_side_once_shared_and_a_colleague_not_at_all() {
    let mut review = review_in(Stage::Calibration);
    review.overall = Some(4);
    review.manager_assessment.update("Ready for more.");
    assert!(review.manager_side_shown_to(&bo()));
    assert!(review.manager_side_shown_to(&hr()));
    assert!(!review.manager_side_shown_to(&ana()));
    assert!(review.shown_to(&ana()));
    assert!(
        !review.shown_to(&peer()),
        "a colleague sees only their own request"
    );
    let name = |p: &PersonId| p.as_str().to_owned();
    let objective = |_: &throughline::model::review::Alignment| None;
    let time = |_: i64| "today".to_owned();
    let as_employee = |review: &Review| {
        review.to_markdown(&throughline::model::review::ReviewContext {
            person_name: &name,
            objective: &objective,
            viewer: Some(&ana()),
            format_time: &time,
            asked: &[],
        })
    };
    let before = as_employee(&review);
    assert!(!before.contains("Ready for more."));
    assert!(before.contains("- Overall rating: shown once the review is shared"));
    review.stage = Stage::Shared;
    assert!(review.manager_side_shown_to(&ana()));
    let after = as_employee(&review);
    assert!(after.contains("Ready for more."));
    assert!(after.contains("- Overall rating: 4 – Exceeds expectations"));
}

#[test]
fn a_check_in_series_exports_as_documented_json() {
    let mut series = CheckInSeries::new(&bo(), &ana());
    let meeting = series.add_meeting("2027-03-01").unwrap();
    series.set_notes(&meeting, "Went well.").unwrap();
    let action = series
        .add_action(&meeting, "Book the course", Some(&ana()), None)
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&series.to_json("automerge:s")).unwrap();
    assert_eq!(json["format"], "throughline-check-ins");
    assert_eq!(json["meetings"][0]["date"], "2027-03-01");
    assert_eq!(json["meetings"][0]["notes"], "Went well.");
    assert_eq!(
        json["actions"][action.as_str()]["raisedIn"],
        meeting.as_str()
    );
    assert_eq!(
        json["actions"][action.as_str()]["doneIn"],
        serde_json::Value::Null
    );
}

#[test]
fn goals_are_found_by_the_plan_objective_they_serve() {
    use throughline::model::review::Alignment;
    use throughline::model::ItemId;
    let mut review = review_in(Stage::Draft);
    let objective = ItemId::from("objective");
    let served = review
        .add_goal(review.actor(&bo()), "Open Oslo", 60)
        .unwrap();
    let other = review
        .add_goal(review.actor(&bo()), "Learn Rust", 40)
        .unwrap();
    let link = Alignment {
        plan: "automerge:plan".into(),
        objective: objective.clone(),
    };
    review
        .align_goal(review.actor(&bo()), &served, Some(link))
        .unwrap();
    let found: Vec<_> = review
        .goals_aligned_to(&"automerge:plan".into(), &objective)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(found, vec![served.clone()]);
    assert_eq!(
        review
            .goals_aligned_to(&"automerge:other".into(), &objective)
            .count(),
        0
    );
    review
        .align_goal(review.actor(&bo()), &served, None)
        .unwrap();
    assert_eq!(
        review
            .goals_aligned_to(&"automerge:plan".into(), &objective)
            .count(),
        0
    );
    let _ = other;
}

#[test]
fn the_employee_may_say_whether_they_agree_and_comment_on_acknowledging() {
    let mut shared = review_in(Stage::Shared);
    let too_long = Response {
        agrees: Some(false),
        comment: "x".repeat(2_001),
    };
    assert_eq!(
        shared.acknowledge(shared.actor(&ana()), "Ana", vec![], 1, too_long),
        Err(ReviewError::CommentTooLong)
    );
    assert!(shared.acknowledgement.is_none(), "nothing is written");
    let response = Response {
        agrees: Some(false),
        comment: "  The rating leaves out the launch.  ".into(),
    };
    shared
        .acknowledge(shared.actor(&ana()), "Ana", vec![], 1, response)
        .unwrap();
    let acknowledgement = shared.acknowledgement.clone().unwrap();
    assert_eq!(acknowledgement.agrees, Some(false));
    assert_eq!(acknowledgement.comment, "The rating leaves out the launch.");
    // The manager and HR read it in the review's Markdown.
    let names = |p: &PersonId| p.to_string();
    let time = |_: i64| "1 Jan 2028".to_owned();
    let objective = |_: &throughline::model::review::Alignment| None;
    let manager = bo();
    let markdown = shared.to_markdown(&throughline::model::review::ReviewContext {
        person_name: &names,
        format_time: &time,
        objective: &objective,
        viewer: Some(&manager),
        asked: &[],
    });
    assert!(
        markdown.contains("  - Does not agree with the review"),
        "{markdown}"
    );
    assert!(markdown.contains("  - Comment: The rating leaves out the launch."));
}

#[test]
fn the_employee_nominates_colleagues_and_the_manager_approves_before_they_are_asked() {
    let mut review = review_in(Stage::SelfReview);
    let nominated = review
        .request_feedback(review.actor(&ana()), &peer(), false, 1)
        .unwrap();
    assert!(review.peer_feedback[&nominated].waiting_for_approval());
    // Not asked yet: the colleague may not write, the employee may not approve.
    assert_eq!(
        review.write_feedback(&peer(), &nominated, "Early words", 2),
        Err(ReviewError::NominationPending)
    );
    assert_eq!(
        review.approve_nomination(review.actor(&ana()), &nominated),
        Err(ReviewError::NotYoursToApproveNomination)
    );
    review
        .approve_nomination(review.actor(&bo()), &nominated)
        .unwrap();
    assert!(!review.peer_feedback[&nominated].waiting_for_approval());
    assert_eq!(review.peer_feedback[&nominated].approved_by, Some(bo()));
    review
        .write_feedback(&peer(), &nominated, "Ana unblocked us.", 3)
        .unwrap();
    assert_eq!(
        review.decline_nomination(review.actor(&bo()), &nominated),
        Err(ReviewError::NominationDecided),
        "an approved request stays"
    );
    // A second nomination is declined: it goes.
    let other = PersonId::from("di");
    let second = review
        .request_feedback(review.actor(&ana()), &other, false, 4)
        .unwrap();
    review
        .decline_nomination(review.actor(&hr()), &second)
        .unwrap();
    assert!(!review.peer_feedback.contains_key(&second));
    // The manager's own request needs no approval.
    let asked = review
        .request_feedback(review.actor(&bo()), &other, false, 5)
        .unwrap();
    assert!(!review.peer_feedback[&asked].waiting_for_approval());
}

#[test]
fn a_template_edited_field_by_field_is_checked_whole_and_keeps_its_ids() {
    use throughline::model::review::{Answer, Competency, Question, Section};
    let template =
        ReviewTemplate::parse("Annual", "# Looking back\nWhat went well?", "Communication")
            .unwrap();
    let question = template.sections[0].questions[0].id.clone();
    let mut edited = template.clone();
    edited.name = "  Annual 2028 ".into();
    edited.sections[0].questions[0].text = " What went well this year? ".into();
    edited.sections[0].questions[0].answer = Answer::Rating;
    let checked = edited.checked().unwrap();
    assert_eq!(checked.name, "Annual 2028");
    assert_eq!(
        checked.sections[0].questions[0].id, question,
        "answers still match"
    );
    assert_eq!(
        checked.sections[0].questions[0].text,
        "What went well this year?"
    );
    let refused = |change: &dyn Fn(&mut ReviewTemplate)| {
        let mut bad = template.clone();
        change(&mut bad);
        bad.checked().unwrap_err()
    };
    assert_eq!(
        refused(&|t| t.name = " ".into()),
        ReviewError::TemplateNameMissing
    );
    assert_eq!(
        refused(&|t| t.sections.push(Section {
            title: "Ahead".into(),
            questions: vec![],
        })),
        ReviewError::SectionEmpty {
            section: "Ahead".into()
        }
    );
    assert_eq!(
        refused(&|t| t.sections[0].questions.push(Question {
            id: throughline::model::ItemId::random(),
            text: "".into(),
            answer: Answer::Text,
        })),
        ReviewError::QuestionTextMissing {
            section: "Looking back".into()
        }
    );
    assert_eq!(
        refused(&|t| t.competencies.push(Competency::default())),
        ReviewError::CompetencyUnnamed { number: 2 }
    );
    assert_eq!(
        refused(&|t| {
            t.sections.clear();
            t.competencies.clear();
        }),
        ReviewError::TemplateEmpty
    );
}

#[test]
fn a_cycle_shows_each_managers_progress_and_whose_move_a_late_review_waits_on() {
    use throughline::model::review::{progress_by_manager, Signature};
    let deadlines = Deadlines {
        self_review: "2028-01-15".into(),
        manager_review: "2028-01-31".into(),
        calibration: "2028-02-15".into(),
        sign_off: "2028-02-28".into(),
    };
    let mut self_review = review_in(Stage::SelfReview);
    assert_eq!(self_review.waiting_on(), [ana()]);
    let manager_review = review_in(Stage::ManagerReview);
    assert_eq!(manager_review.waiting_on(), [bo()]);
    let mut shared = review_in(Stage::Shared);
    shared.signature = Some(Signature::default());
    assert_eq!(shared.waiting_on(), [ana()], "the manager has signed");
    assert!(review_in(Stage::Calibration).waiting_on().is_empty());
    let mut no_manager = review_in(Stage::Signed);
    no_manager.manager = None;
    self_review.stage = Stage::SelfReview;
    let today = "2028-01-20";
    let standings: Vec<_> = [&self_review, &manager_review, &shared, &no_manager]
        .iter()
        .map(|r| r.standing(&deadlines, today))
        .collect();
    let progress = progress_by_manager(&standings);
    assert_eq!(progress.len(), 2);
    let bos = progress.iter().find(|p| p.manager == Some(bo())).unwrap();
    assert_eq!((bos.reviews, bos.late, bos.done), (3, 1, 0));
    assert_eq!(
        bos.by_stage,
        [
            (Stage::SelfReview, 1),
            (Stage::ManagerReview, 1),
            (Stage::Shared, 1)
        ]
    );
    let nobody = progress.iter().find(|p| p.manager.is_none()).unwrap();
    assert_eq!((nobody.reviews, nobody.done), (1, 1));
}

#[test]
fn a_reminder_is_kept_in_its_review_sent_by_hr_or_the_manager_and_dismissed_by_its_reader() {
    use throughline::model::nudge::Nudge;
    let hana = hr();
    let mut review = review();
    let late = |to: &PersonId, what: &str| Nudge::new(&hana, to, "automerge:review", what, 1);
    // Ana cannot remind anyone, not even herself.
    assert_eq!(
        review.nudge(review.actor(&ana()), late(&bo(), "Manager review was due")),
        Err(ReviewError::NotYoursToNudge)
    );
    // HR reminds Ana, then again: one reminder is kept, the newer.
    review
        .nudge(
            review.actor(&hana),
            late(&ana(), "Self review was due on 1 May"),
        )
        .unwrap();
    let id = review
        .nudge(
            review.actor(&hana),
            late(&ana(), "Self review was due on 8 May"),
        )
        .unwrap();
    let to_ana = review.nudges_for(&ana());
    assert_eq!(to_ana.len(), 1);
    assert_eq!(to_ana[0].1.what, "Self review was due on 8 May");
    // Bo (her manager) does not dismiss a reminder sent to her; she does.
    assert_eq!(
        review.dismiss_nudge(review.actor(&bo()), &id),
        Err(ReviewError::NotYoursToNudge)
    );
    review.dismiss_nudge(review.actor(&ana()), &id).unwrap();
    assert!(review.nudges_for(&ana()).is_empty());
}

// ---- what the employee's own device may send ----

const EMPLOYEE: Capacity = Capacity::EMPLOYEE;
const MANAGER: Capacity = Capacity::MANAGER;
const HR: Capacity = Capacity::HR;

/// A reminder HR sends `to` about the review.
fn nudge_from_hr(review: &mut Review, to: &PersonId) {
    let nudge = Nudge::new(&hr(), to, DocumentUrl::from("automerge:review"), "late", 1);
    review.nudge(review.actor(&hr()), nudge).map(drop).unwrap()
}

/// The id of the review's first written question.
fn first_written_question(review: &Review) -> ItemId {
    review
        .template
        .written_questions()
        .next()
        .expect("a written question")
        .clone()
}

/// `person` acting in `capacity` (as the signed rules give it).
fn acting(person: &PersonId, capacity: Capacity) -> Actor<'_> {
    Actor { person, capacity }
}

/// `change` applied to `before` passes the part-by-part check for a writer `who`.
fn passes(who: Actor, before: &Review, change: &dyn Fn(&mut Review)) {
    let mut after = before.clone();
    change(&mut after);
    assert_ne!(&after, before, "the change changes something");
    before
        .check_change(&after, who)
        .unwrap_or_else(|e| panic!("refused: {e}"));
}

/// `change` applied to `before` is refused to a writer `who`; why.
fn refused(who: Actor, before: &Review, change: &dyn Fn(&mut Review)) -> ReviewError {
    let mut after = before.clone();
    change(&mut after);
    before
        .check_change(&after, who)
        .expect_err("a forged change is refused")
}

/// What the relay and a direct link check of every change the employee's device sends
/// to their own review: what the pages let Ana do passes, each thing a modified client
/// could write in her name instead is refused, saying whose it is.
#[test]
fn the_employee_s_changes_to_their_own_review_are_checked_part_by_part() {
    let ana = ana();
    let passes = |before: &Review, change: &dyn Fn(&mut Review)| {
        passes(acting(&ana, EMPLOYEE), before, change)
    };
    let refused = |before: &Review, change: &dyn Fn(&mut Review)| {
        refused(acting(&ana, EMPLOYEE), before, change)
    };
    let self_review = review_in(Stage::SelfReview);
    let question = first_written_question(&self_review);
    let competency = self_review.template.competencies[0].id.clone();
    let mut with_goal = self_review.clone();
    let goal = with_goal
        .add_goal(with_goal.actor(&ana), "Ship the app", 50)
        .unwrap();

    // Everything the pages let her do.
    passes(&self_review, &|r| {
        r.set_self_assessment(r.actor(&ana), "Shipped it.").unwrap()
    });
    passes(&self_review, &|r| {
        r.add_goal(r.actor(&ana), "Learn Rust", 30)
            .map(drop)
            .unwrap()
    });
    passes(&with_goal, &|r| {
        r.rate_goal(r.actor(&ana), &goal, Some(4)).unwrap()
    });
    passes(&self_review, &|r| {
        r.answer(r.actor(&ana), &question, Some("The release."), None)
            .unwrap()
    });
    passes(&self_review, &|r| {
        r.rate_competency(r.actor(&ana), &competency, Some(3))
            .unwrap()
    });
    passes(&self_review, &|r| {
        r.add_development(r.actor(&ana), "Rust", "A course", None)
            .map(drop)
            .unwrap()
    });
    passes(&self_review, &|r| {
        r.request_feedback(r.actor(&ana), &peer(), true, 1)
            .map(drop)
            .unwrap()
    });
    passes(&self_review, &|r| {
        r.move_to(Stage::ManagerReview, r.actor(&ana)).unwrap()
    });

    // What is the manager's, HR's, or nobody's.
    let manager = ReviewError::NotYourPart {
        whom: "the manager (and HR in calibration)",
    };
    assert_eq!(refused(&self_review, &|r| r.overall = Some(5)), manager);
    assert_eq!(
        refused(&self_review, &|r| r.potential = Some(Potential::High)),
        manager
    );
    assert_eq!(
        refused(&self_review, &|r| r.manager_assessment.update("Superb")),
        manager
    );
    assert_eq!(
        refused(&with_goal, &|r| {
            r.goals.get_mut(&goal).unwrap().manager_rating = Some(5)
        }),
        manager
    );
    assert_eq!(
        refused(&self_review, &|r| {
            r.competencies
                .entry(competency.clone())
                .or_default()
                .by_manager = Some(5)
        }),
        manager
    );
    assert_eq!(
        refused(&self_review, &|r| {
            r.answers
                .entry(question.clone())
                .or_default()
                .by_manager
                .update("Superb")
        }),
        manager
    );
    assert!(matches!(
        refused(&self_review, &|r| r.stage = Stage::Shared),
        ReviewError::SkipsStages { .. }
    ));
    let manager_review = review_in(Stage::ManagerReview);
    assert!(matches!(
        refused(&manager_review, &|r| r.stage = Stage::Calibration),
        ReviewError::NotYoursToMoveOn { .. }
    ));
    assert_eq!(
        refused(&manager_review, &|r| r.self_assessment.update("late")),
        ReviewError::PartClosed {
            stage: Stage::ManagerReview
        }
    );
    let mut nominated = self_review.clone();
    let nomination = nominated
        .request_feedback(nominated.actor(&ana), &peer(), true, 1)
        .unwrap();
    refused(&nominated, &|r| {
        r.peer_feedback.get_mut(&nomination).unwrap().approved_by = Some(ana.clone())
    });
    refused(&self_review, &|r| {
        let id = r.request_feedback(r.actor(&ana), &peer(), true, 1).unwrap();
        r.peer_feedback.get_mut(&id).unwrap().approved_by = Some(ana.clone());
    });
    refused(&self_review, &|r| r.employee = peer());
    refused(&self_review, &|r| r.manager = Some(ana.clone()));
    let shared = review_in(Stage::Shared);
    refused(&shared, &|r| {
        r.signature = Some(throughline::model::review::Signature::default())
    });
    passes(&shared, &|r| {
        r.acknowledge(r.actor(&ana), "Ana", vec![], 1, Response::default())
            .unwrap()
    });
    // Her acknowledgement of a review the manager signed makes it signed; the stage
    // alone does not.
    let mut signed_by_manager = shared.clone();
    signed_by_manager
        .sign(signed_by_manager.actor(&bo()), "Bo", vec![], 1)
        .unwrap();
    passes(&signed_by_manager, &|r| {
        r.acknowledge(r.actor(&ana), "Ana", vec![], 2, Response::default())
            .unwrap();
        assert_eq!(r.stage, Stage::Signed);
    });
    assert_eq!(
        refused(&signed_by_manager, &|r| r.stage = Stage::Signed),
        ReviewError::SignedOnlyBySigning
    );
    refused(&shared, &|r| {
        r.calibration_notes
            .insert(ItemId::from("note"), Default::default());
    });
    refused(&self_review, &|r| nudge_from_hr(r, &ana));
}

/// The same check of what the manager's and HR's devices send: their parts and acts pass,
/// the employee's words and acknowledgement do not, nor a stage move that is not theirs.
#[test]
fn the_manager_s_and_hr_s_changes_to_a_review_are_checked_part_by_part() {
    let (ana, bo) = (ana(), bo());
    let self_review = review_in(Stage::SelfReview);
    let question = first_written_question(&self_review);

    // Theirs: moving it on, asking for feedback, goals, reminders, calibration, sharing
    // the manager's parts and signing.
    passes(acting(&bo, MANAGER), &self_review, &|r| {
        r.move_to(Stage::ManagerReview, r.actor(&bo)).unwrap()
    });
    passes(acting(&bo, MANAGER), &self_review, &|r| {
        r.request_feedback(r.actor(&bo), &peer(), true, 1)
            .map(drop)
            .unwrap()
    });
    passes(acting(&bo, MANAGER), &self_review, &|r| {
        r.add_goal(r.actor(&bo), "Mentor a new hire", 20)
            .map(drop)
            .unwrap()
    });
    passes(acting(&hr(), HR), &self_review, &|r| nudge_from_hr(r, &ana));
    passes(acting(&hr(), HR), &review_in(Stage::Calibration), &|r| {
        r.move_to(Stage::Shared, r.actor(&hr())).unwrap()
    });
    let mut shared = review_in(Stage::Shared);
    passes(acting(&bo, MANAGER), &shared, &|r| {
        // The copy of the manager's side, kept current until the signature.
        r.manager_assessment.update("A strong year.");
        r.overall = Some(4);
    });
    shared
        .acknowledge(shared.actor(&ana), "Ana", vec![], 1, Response::default())
        .unwrap();
    passes(acting(&bo, MANAGER), &shared, &|r| {
        r.sign(r.actor(&bo), "Bo", vec![], 2).unwrap();
        assert_eq!(r.stage, Stage::Signed);
    });

    // Not theirs: her words, her ratings, her acknowledgement; HR signing; a skipped stage.
    let employee_s = ReviewError::NotYourPart {
        whom: "the employee",
    };
    assert_eq!(
        refused(acting(&bo, MANAGER), &self_review, &|r| r
            .self_assessment
            .update("Could do more.")),
        employee_s
    );
    assert_eq!(
        refused(acting(&hr(), HR), &self_review, &|r| {
            r.answers
                .entry(question.clone())
                .or_default()
                .by_employee
                .update("Meh")
        }),
        employee_s
    );
    let mut with_goal = self_review.clone();
    let goal = with_goal
        .add_goal(with_goal.actor(&ana), "Ship the app", 50)
        .unwrap();
    assert_eq!(
        refused(acting(&bo, MANAGER), &with_goal, &|r| {
            r.goals.get_mut(&goal).unwrap().self_rating = Some(1)
        }),
        employee_s
    );
    let unsigned = review_in(Stage::Shared);
    refused(acting(&bo, MANAGER), &unsigned, &|r| {
        r.acknowledgement = Some(throughline::model::review::Signature::default())
    });
    refused(acting(&hr(), HR), &unsigned, &|r| {
        r.signature = Some(throughline::model::review::Signature::default())
    });
    assert!(matches!(
        refused(acting(&bo, MANAGER), &self_review, &|r| r.stage =
            Stage::Shared),
        ReviewError::SkipsStages { .. }
    ));
    // HR's own review: what the pages let HR do there (calibrating it, as for anyone)
    // passes; the employee alone never writes the manager's parts.
    let employee_in_hr = Capacity {
        employee: true,
        hr: true,
        ..Capacity::default()
    };
    passes(
        acting(&ana, employee_in_hr),
        &review_in(Stage::Calibration),
        &|r| r.overall = Some(4),
    );
    refused(
        acting(&ana, EMPLOYEE),
        &review_in(Stage::Calibration),
        &|r| r.overall = Some(4),
    );
    // A goal rated by its employee is removed by the manager while goals are open.
    let mut rated = review_in(Stage::ManagerReview);
    let goal = rated.add_goal(rated.actor(&bo), "Old goal", 10).unwrap();
    rated.goals.get_mut(&goal).unwrap().self_rating = Some(3);
    passes(acting(&bo, MANAGER), &rated, &|r| {
        r.remove_goal(r.actor(&bo), &goal).unwrap()
    });
    // A request given its own document in calibration (an older one, opened then).
    let mut asked = review_in(Stage::SelfReview);
    let request = asked
        .request_feedback(asked.actor(&bo), &peer(), false, 1)
        .unwrap();
    asked.stage = Stage::Calibration;
    passes(acting(&bo, MANAGER), &asked, &|r| {
        r.peer_feedback.get_mut(&request).unwrap().document =
            Some(DocumentUrl::from("automerge:feedback"))
    });
    // An acknowledgement or a signature, once given, is not taken back or rewritten.
    let mut acknowledged = review_in(Stage::Shared);
    acknowledged
        .acknowledge(
            acknowledged.actor(&ana),
            "Ana",
            vec![],
            1,
            Response::default(),
        )
        .unwrap();
    assert_eq!(
        refused(acting(&ana, EMPLOYEE), &acknowledged, &|r| r
            .acknowledgement =
            None),
        ReviewError::AlreadyAcknowledged
    );
    // What a change records as someone's doing, it records in the writer's own name.
    let late = review_in(Stage::SelfReview);
    assert_eq!(
        refused(acting(&bo, MANAGER), &late, &|r| {
            let nudge = Nudge::new(
                &hr(),
                &ana,
                DocumentUrl::from("automerge:review"),
                "late",
                1,
            );
            r.nudge(r.actor(&hr()), nudge).map(drop).unwrap()
        }),
        ReviewError::InAnotherName
    );
    assert_eq!(
        refused(acting(&bo, MANAGER), &late, &|r| {
            r.request_feedback(r.actor(&hr()), &peer(), false, 1)
                .map(drop)
                .unwrap()
        }),
        ReviewError::InAnotherName
    );
    let mut signable = review_in(Stage::Shared);
    signable.manager = Some(hr());
    assert_eq!(
        refused(acting(&bo, MANAGER), &signable, &|r| {
            r.sign(r.actor(&hr()), "Someone else", vec![], 1).unwrap()
        }),
        ReviewError::InAnotherName
    );
}

/// The review as a document, and the bytes of one change `change` makes to it as a
/// device's app would (read, changed, written back).
fn review_doc(review: &Review) -> AutoCommit {
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, review).unwrap();
    doc.commit();
    doc
}

fn change_to(doc: &mut AutoCommit, change: impl FnOnce(&mut Review)) -> Vec<u8> {
    let mut review: Review = autosurgeon::hydrate(doc).unwrap();
    change(&mut review);
    autosurgeon::reconcile(doc, &review).unwrap();
    doc.commit();
    doc.get_last_local_change().unwrap().raw_bytes().to_vec()
}

/// The check on changes as they travel: a change built on one the checker lacks is not
/// taken (it would apply unchecked later); one made before a concurrent stage move, or a
/// signature given offline after sharing in the same message, is judged where it was
/// made; only the manager or HR starts a review, as a fresh one; a position that is not
/// a number blocks nobody after.
#[test]
fn changes_are_checked_where_they_were_made_and_none_slips_through_unchecked() {
    let (ana, bo) = (ana(), bo());
    let mut held = review_doc(&review_in(Stage::SelfReview));

    // Ana writes (A), then on top sets her own rating (B), and sends B alone.
    let mut anas = held.fork();
    let a = change_to(&mut anas, |r| {
        r.set_self_assessment(r.actor(&ana), "Shipped it.").unwrap()
    });
    let b = change_to(&mut anas, |r| r.overall = Some(5));
    assert_eq!(
        check_changes(held.document(), &[], &[&b], acting(&ana, EMPLOYEE)),
        Err(ChangeRefused::BuildsOnMissing)
    );
    // With A allowed before it (the relay remembers it until samod has it), B is judged.
    check_changes(held.document(), &[], &[&a], acting(&ana, EMPLOYEE)).unwrap();
    assert!(matches!(
        check_changes(held.document(), &[&a], &[&b], acting(&ana, EMPLOYEE)),
        Err(ChangeRefused::NotTheirs(_))
    ));
    // Typing on top of A, sent before A is taken in: checked on top of A, and taken.
    let mut typing = held.fork();
    typing.load_incremental(&a).unwrap();
    let more = change_to(&mut typing, |r| {
        r.set_self_assessment(r.actor(&ana), "Shipped it, twice.")
            .unwrap()
    });
    check_changes(held.document(), &[&a], &[&more], acting(&ana, EMPLOYEE)).unwrap();

    // Bo moves the review on while Ana types offline: her words, made in self review,
    // still count.
    let mut offline = held.fork();
    let late = change_to(&mut offline, |r| {
        r.set_self_assessment(r.actor(&ana), "Written offline.")
            .unwrap()
    });
    change_to(&mut held, |r| {
        r.move_to(Stage::ManagerReview, r.actor(&bo)).unwrap()
    });
    check_changes(held.document(), &[], &[&late], acting(&ana, EMPLOYEE)).unwrap();
    // Her rewriting them after the move, knowing it moved, does not.
    let mut after_move = held.fork();
    let closed = change_to(&mut after_move, |r| r.self_assessment.update("Too late."));
    assert!(check_changes(held.document(), &[], &[&closed], acting(&ana, EMPLOYEE)).is_err());

    // Bo, offline, shares the review and signs it: one message, each judged in turn.
    let mut calibrated = review_doc(&review_in(Stage::Calibration));
    let mut bos = calibrated.fork();
    let share = change_to(&mut bos, |r| {
        r.move_to(Stage::Shared, r.actor(&bo)).unwrap()
    });
    let sign = change_to(&mut bos, |r| r.sign(r.actor(&bo), "Bo", vec![], 2).unwrap());
    check_changes(
        calibrated.document(),
        &[],
        &[&share, &sign],
        acting(&bo, MANAGER),
    )
    .unwrap();

    // Started by HR as a fresh review: taken; by the manager with Ana's acknowledgement
    // in it, or by Ana: not.
    let empty = automerge::Automerge::new();
    let mut fresh = AutoCommit::new();
    let started = {
        autosurgeon::reconcile(&mut fresh, review()).unwrap();
        fresh.commit();
        fresh.get_last_local_change().unwrap().raw_bytes().to_vec()
    };
    check_changes(&empty, &[], &[&started], acting(&hr(), HR)).unwrap();
    assert_eq!(
        check_changes(&empty, &[], &[&started], acting(&ana, EMPLOYEE)),
        Err(ChangeRefused::NotHeld)
    );
    let mut forged = review_in(Stage::Shared);
    forged.acknowledgement = Some(throughline::model::review::Signature::default());
    let mut forged_doc = AutoCommit::new();
    autosurgeon::reconcile(&mut forged_doc, &forged).unwrap();
    forged_doc.commit();
    let forged_start = forged_doc
        .get_last_local_change()
        .unwrap()
        .raw_bytes()
        .to_vec();
    assert!(check_changes(&empty, &[], &[&forged_start], acting(&bo, MANAGER)).is_err());

    // A goal's position that is not a number does not make later changes goal edits.
    let mut with_goal = review_doc(&review_in(Stage::SelfReview));
    change_to(&mut with_goal, |r| {
        let goal = r.add_goal(r.actor(&ana), "Odd", 10).unwrap();
        r.goals.get_mut(&goal).unwrap().position = f64::NAN;
        r.stage = Stage::Shared;
    });
    let mut signing = with_goal.fork();
    let signed = change_to(&mut signing, |r| {
        r.sign(r.actor(&bo), "Bo", vec![], 3).unwrap()
    });
    check_changes(with_goal.document(), &[], &[&signed], acting(&bo, MANAGER)).unwrap();
}

/// Ana's modified client, on a fork of `held` in self review: forty keystrokes (so that
/// its operation counter is larger than what others write meanwhile), then `forge` in the
/// same change as the last; the changes it makes, as they travel.
fn forged_by_ana(held: &mut AutoCommit, forge: impl FnOnce(&mut AutoCommit)) -> Vec<Vec<u8>> {
    let ana = ana();
    let mut anas = held.fork();
    let before = anas.get_heads();
    for n in 0..40 {
        change_to(&mut anas, |r| {
            r.set_self_assessment(r.actor(&ana), &format!("Draft {n}."))
                .unwrap()
        });
    }
    forge(&mut anas);
    anas.commit();
    anas.get_changes(&before)
        .into_iter()
        .map(|change| change.raw_bytes().to_vec())
        .collect()
}

/// A modified client can build a change on an earlier state and put back what a field
/// held then (judged where it was made, it is taken), winning Automerge's choice with a
/// larger operation counter. Read as every device and the relay read a review, it undoes
/// neither a signature, an acknowledgement nor a stage.
#[test]
fn a_change_built_before_a_signature_undoes_neither_it_nor_the_stage_even_when_it_wins() {
    use automerge::transaction::Transactable;
    use automerge::{ReadDoc, ScalarValue, Value, ROOT};
    let (ana, bo) = (ana(), bo());
    let mut held = review_doc(&review_in(Stage::SelfReview));
    // The stage put back to self review and the signature and acknowledgement to
    // nothing, each through another value (a put of the value a field holds is no
    // operation).
    let forged = forged_by_ana(&mut held, |anas| {
        let Some((Value::Scalar(stage_then), _)) = anas.get(ROOT, "stage").unwrap() else {
            panic!("the stage is a scalar")
        };
        let stage_then = stage_then.into_owned();
        for (key, value) in [
            ("stage", stage_then),
            ("signature", ScalarValue::Null),
            ("acknowledgement", ScalarValue::Null),
        ] {
            anas.put(ROOT, key, 1).unwrap();
            anas.put(ROOT, key, value).unwrap();
        }
    });
    // Meanwhile the review is shared, Bo signs it and Ana acknowledges it.
    let mut bos = held.fork();
    change_to(&mut bos, |r| r.stage = Stage::Shared);
    change_to(&mut bos, |r| r.sign(r.actor(&bo), "Bo", vec![], 2).unwrap());
    change_to(&mut bos, |r| {
        r.acknowledge(
            r.actor(&ana),
            "Ana",
            vec![],
            3,
            throughline::model::review::Response::default(),
        )
        .unwrap()
    });
    let signed: Review = autosurgeon::hydrate(&bos).unwrap();
    assert_eq!(signed.stage, Stage::Signed);
    let mut merged = bos.fork();
    for change in &forged {
        merged.load_incremental(change).unwrap();
    }
    // A plain read shows the forged writes winning...
    let naive: Review = autosurgeon::hydrate(&merged).unwrap();
    assert_eq!(naive.stage, Stage::SelfReview);
    assert!(naive.signature.is_none() && naive.acknowledgement.is_none());
    // ...the settled read, which every page, the relay and the links use, does not.
    let read = Review::read_settled(&merged).unwrap();
    assert_eq!(read.stage, Stage::Signed);
    assert_eq!(read.signature, signed.signature);
    assert_eq!(read.acknowledgement, signed.acknowledgement);
    assert_eq!(
        throughline::model::review::StageOnly::read_settled(&merged)
            .unwrap()
            .stage,
        Stage::Signed
    );
    // Ana writes on: judged on the signed review, refused.
    let mut after = merged.fork();
    let more = change_to(&mut after, |r| r.self_assessment.update("Rewritten."));
    assert!(check_changes(merged.document(), &[], &[&more], acting(&ana, EMPLOYEE)).is_err());
}

/// The same for a feedback request's document: put back to none by the employee's change
/// built before the manager linked it, it would have the manager's device make another,
/// and what the colleague wrote would answer nothing.
#[test]
fn a_change_built_before_a_request_got_its_document_does_not_unlink_it() {
    use automerge::transaction::Transactable;
    use automerge::{ReadDoc, ScalarValue, ROOT};
    let (ana, bo) = (ana(), bo());
    let mut held = review_doc(&review_in(Stage::SelfReview));
    let mut request = None;
    change_to(&mut held, |r| {
        request = Some(r.request_feedback(r.actor(&bo), &peer(), false, 1).unwrap())
    });
    let request = request.unwrap();
    // Ana's modified client, before the link: the request's document put to nothing
    // through another value.
    let forged = forged_by_ana(&mut held, |anas| {
        let (_, requests) = anas.get(ROOT, "peer_feedback").unwrap().unwrap();
        let (_, entry) = anas.get(&requests, request.as_str()).unwrap().unwrap();
        anas.put(&entry, "document", 1).unwrap();
        anas.put(&entry, "document", ScalarValue::Null).unwrap();
    });
    // Bo links the document meanwhile.
    let url = DocumentUrl::from("automerge:feedback");
    change_to(&mut held, |r| {
        r.link_feedback_document(r.actor(&bo), &request, url.clone())
            .unwrap()
    });
    let forged: Vec<&[u8]> = forged.iter().map(Vec::as_slice).collect();
    check_changes(held.document(), &[], &forged, acting(&ana, EMPLOYEE)).unwrap();
    let mut merged = held.fork();
    for change in &forged {
        merged.load_incremental(change).unwrap();
    }
    let naive: Review = autosurgeon::hydrate(&merged).unwrap();
    assert_eq!(naive.peer_feedback[&request].document, None);
    let read = Review::read_settled(&merged).unwrap();
    assert_eq!(read.peer_feedback[&request].document, Some(url));
}

/// A review an earlier build made lacks the fields added since. Its first edit, whatever it
/// changes, makes them (as autosurgeon's whole-document reconcile did), so two devices
/// writing one of them first at once write into one object, not each into its own of
/// which only one would be kept.
#[test]
fn the_first_edit_of_an_older_review_makes_the_fields_it_lacks() {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ReadDoc, Value, ROOT};
    let storage = Rc::new(MemoryStorage::new());
    let handle = DocHandle::create(storage, &review_in(Stage::SelfReview), "Start").unwrap();
    let lacking = [
        ("nudges", ObjType::Map),
        ("shared_feedback", ObjType::Map),
        ("self_assessment", ObjType::Text),
        ("manager_assessment", ObjType::Text),
    ];
    {
        let mut doc = handle.document_mut();
        for (key, _) in lacking {
            doc.delete(ROOT, key).unwrap();
        }
        doc.commit();
    }
    handle
        .change("Rename", |r: &mut Review| {
            r.cycle_name = "Mid-year".into();
            Ok::<_, ReviewError>(())
        })
        .unwrap();
    let doc = handle.document_mut();
    for (key, kind) in lacking {
        assert!(
            matches!(doc.get(ROOT, key).unwrap(), Some((Value::Object(k), _)) if k == kind),
            "{key} is made with the first edit"
        );
    }
}

/// An edit is written against the document as it was read; one that changed the same
/// document meanwhile (nothing in the app does) is refused whole, and the inner change
/// stays.
#[test]
fn an_edit_that_changes_its_own_document_meanwhile_is_refused() {
    let storage = Rc::new(MemoryStorage::new());
    let handle = DocHandle::create(storage, &review_in(Stage::SelfReview), "Start").unwrap();
    let outer = handle.change("Outer", |r: &mut Review| {
        handle
            .change("Inner", |inner: &mut Review| {
                inner.cycle_name = "Inner".into();
                Ok::<_, ReviewError>(())
            })
            .unwrap();
        r.cycle_name = "Outer".into();
        Ok::<_, ReviewError>(())
    });
    assert!(matches!(outer, Err(ChangeError::Shape(_))), "{outer:?}");
    assert_eq!(handle.current::<Review>().unwrap().cycle_name, "Inner");
}
