//! Home's list of what a person must do next: each step is the person's whose turn it
//! is, late steps come first, and nothing appears that the person may not do.

use throughline::model::check_in::CheckInSeries;
use throughline::model::plan::{Plan, PlanStatus, Role};
use throughline::model::review::{
    AskedFeedback, Deadlines, Review, ReviewCycle, ReviewSetup, Signature, Stage,
};
use throughline::model::to_do::{to_dos, Documents, Place};
use throughline::model::{DocumentId, DocumentUrl, ItemId, PersonDetails, PersonId, Workspace};

fn person(ws: &mut Workspace, id: &PersonId, name: &str, manager: Option<&PersonId>) {
    ws.add_person(
        id.clone(),
        PersonDetails {
            name: name.to_owned(),
            manager: manager.cloned(),
            ..PersonDetails::default()
        },
    )
    .unwrap();
}

struct Org {
    ws: Workspace,
    ana: PersonId,
    bo: PersonId,
    hr: PersonId,
    cy: PersonId,
}

/// Ana reports to Bo; Hana runs the cycle for HR; Cy is a colleague. One cycle, whose
/// self reviews are due on 15 January.
fn org() -> Org {
    let mut ws = Workspace::new("Acme");
    let (ana, bo, hr, cy) = (
        PersonId::from("ana"),
        PersonId::from("bo"),
        PersonId::from("hana"),
        PersonId::from("cy"),
    );
    person(&mut ws, &bo, "Bo Chen", None);
    person(&mut ws, &ana, "Ana Lima", Some(&bo));
    person(&mut ws, &hr, "Hana Sato", None);
    person(&mut ws, &cy, "Cy Okafor", Some(&bo));
    ws.cycles.insert(
        ItemId::from("cycle"),
        ReviewCycle {
            name: "2027 annual review".into(),
            deadlines: Deadlines {
                self_review: "2028-01-15".into(),
                manager_review: "2028-01-31".into(),
                calibration: "2028-02-15".into(),
                sign_off: "2028-02-28".into(),
            },
            hr: [(hr.clone(), true)].into(),
            ..ReviewCycle::default()
        },
    );
    Org {
        ws,
        ana,
        bo,
        hr,
        cy,
    }
}

fn review_of(org: &Org, employee: &PersonId, stage: Stage) -> Review {
    let mut setup = ReviewSetup::example(employee, Some(&org.bo));
    setup.hr = vec![org.hr.clone()];
    let mut review = Review::new(setup);
    review.stage = stage;
    review
}

fn whats(list: &[throughline::model::to_do::ToDo]) -> Vec<&str> {
    list.iter().map(|t| t.what.as_str()).collect()
}

#[test]
fn each_stage_is_the_to_do_of_the_person_whose_turn_it_is() {
    let org = org();
    let ana_review = review_of(&org, &org.ana, Stage::SelfReview);
    let cy_review = review_of(&org, &org.cy, Stage::ManagerReview);
    let id = DocumentId::random();
    let cy_id = DocumentId::random();
    let documents = Documents {
        reviews: vec![(id, &ana_review), (cy_id, &cy_review)],
        ..Documents::default()
    };
    let today = "2028-01-20";
    let ana = to_dos(&org.ws, &org.ana, &documents, today);
    assert_eq!(whats(&ana), ["Write your self review (2027 annual review)"]);
    assert!(ana[0].late, "due on 15 January");
    assert_eq!(ana[0].place, Place::Review(id));
    let bo = to_dos(&org.ws, &org.bo, &documents, today);
    assert_eq!(
        whats(&bo),
        ["Write the manager review of Cy Okafor (2027 annual review)"]
    );
    assert!(!bo[0].late);
    assert!(to_dos(&org.ws, &org.cy, &documents, today).is_empty());
    assert!(to_dos(&org.ws, &org.hr, &documents, today).is_empty());
}

#[test]
fn hr_calibrates_a_cycle_once_and_signatures_wait_on_who_has_not_signed() {
    let org = org();
    let in_calibration = [
        review_of(&org, &org.ana, Stage::Calibration),
        review_of(&org, &org.cy, Stage::Calibration),
    ];
    let mut shared = review_of(&org, &org.ana, Stage::Shared);
    shared.signature = Some(Signature::default());
    let documents = Documents {
        reviews: vec![
            (DocumentId::random(), &in_calibration[0]),
            (DocumentId::random(), &in_calibration[1]),
            (DocumentId::random(), &shared),
        ],
        ..Documents::default()
    };
    let hr = to_dos(&org.ws, &org.hr, &documents, "2028-02-01");
    assert_eq!(
        whats(&hr),
        ["Calibrate 2027 annual review (2 reviews waiting)"]
    );
    assert_eq!(hr[0].place, Place::Calibration(ItemId::from("cycle")));
    let ana = to_dos(&org.ws, &org.ana, &documents, "2028-02-01");
    assert_eq!(
        whats(&ana),
        ["Read and acknowledge your review (2027 annual review)"]
    );
    // Bo has signed already: nothing more of his.
    assert!(to_dos(&org.ws, &org.bo, &documents, "2028-02-01").is_empty());
}

#[test]
fn feedback_action_items_and_approvals_are_listed_late_first() {
    let org = org();
    let mut review = review_of(&org, &org.ana, Stage::SelfReview);
    let bo = org.bo.clone();
    let request = review
        .request_feedback(review.actor(&bo), &org.cy, true, 1)
        .unwrap();
    // Cy holds the feedback document, not Ana's review.
    let mut asked =
        AskedFeedback::for_request(&review, DocumentUrl::from("automerge:r"), &request).unwrap();
    let mut series = CheckInSeries::new(&org.bo, &org.cy);
    let meeting = series.add_meeting("2028-01-05").unwrap();
    series
        .add_action(
            &meeting,
            "Book the venue",
            Some(&org.cy),
            Some("2028-01-10"),
        )
        .unwrap();
    let done = series
        .add_action(&meeting, "Send the notes", Some(&org.cy), None)
        .unwrap();
    series.set_done(&done, Some(&meeting)).unwrap();
    let mut plan = Plan::new("Growth", 2027, 2029).unwrap();
    plan.set_participant(org.cy.clone(), Role::Board);
    plan.set_status(PlanStatus::InReview).unwrap();
    let feedback = DocumentId::random();
    let documents = Documents {
        asked: vec![(feedback, &asked)],
        check_ins: vec![(DocumentId::random(), &series)],
        plans: vec![(DocumentId::random(), &plan)],
        ..Documents::default()
    };
    let cy = to_dos(&org.ws, &org.cy, &documents, "2028-01-20");
    assert_eq!(
        whats(&cy),
        [
            "Book the venue (check-in with Bo Chen)",
            "Write the feedback you were asked for on Ana Lima (2027 annual review)",
            "Approve the plan “Growth”",
        ]
    );
    assert!(cy[0].late);
    assert_eq!(cy[1].place, Place::Feedback(feedback));
    // Not Ana's to do, nor Bo's: only the writer's.
    for other in [&org.ana, &org.bo] {
        let theirs = to_dos(&org.ws, other, &documents, "2028-01-20");
        assert!(!whats(&theirs)
            .iter()
            .any(|w| w.starts_with("Write the feedback")));
    }
    // Written feedback is no longer owed; a contributor is not asked to approve.
    asked.write(&org.cy, "Ana unblocked us.", 2).unwrap();
    plan.set_participant(org.cy.clone(), Role::Contributor);
    let documents = Documents {
        asked: vec![(feedback, &asked)],
        plans: vec![(DocumentId::random(), &plan)],
        ..Documents::default()
    };
    assert!(to_dos(&org.ws, &org.cy, &documents, "2028-01-20").is_empty());
    // A request an earlier version made is written in the review itself, and still owed
    // there until it is.
    let documents = Documents {
        reviews: vec![(DocumentId::random(), &review)],
        ..Documents::default()
    };
    assert_eq!(
        whats(&to_dos(&org.ws, &org.cy, &documents, "2028-01-20")),
        ["Write the feedback you were asked for on Ana Lima (2027 annual review)"]
    );
    review
        .write_feedback(&org.cy, &request, "Ana unblocked us.", 2)
        .unwrap();
    let documents = Documents {
        reviews: vec![(DocumentId::random(), &review)],
        ..Documents::default()
    };
    assert!(to_dos(&org.ws, &org.cy, &documents, "2028-01-20").is_empty());
}

#[test]
fn a_nomination_waits_on_the_manager_not_on_the_colleague() {
    let org = org();
    let mut review = review_of(&org, &org.ana, Stage::SelfReview);
    let ana = org.ana.clone();
    let request = review
        .request_feedback(review.actor(&ana), &org.cy, false, 1)
        .unwrap();
    let documents = Documents {
        reviews: vec![(DocumentId::random(), &review)],
        ..Documents::default()
    };
    let bo = to_dos(&org.ws, &org.bo, &documents, "2028-01-10");
    assert_eq!(
        whats(&bo),
        ["Approve the colleagues Ana Lima nominated for feedback (2027 annual review)"]
    );
    assert!(to_dos(&org.ws, &org.cy, &documents, "2028-01-10").is_empty());
    let bo_id = org.bo.clone();
    review
        .approve_nomination(review.actor(&bo_id), &request)
        .unwrap();
    let documents = Documents {
        reviews: vec![(DocumentId::random(), &review)],
        ..Documents::default()
    };
    assert!(to_dos(&org.ws, &org.bo, &documents, "2028-01-10").is_empty());
    assert_eq!(to_dos(&org.ws, &org.cy, &documents, "2028-01-10").len(), 1);
}
