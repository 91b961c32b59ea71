//! Feedback a colleague is asked for lives in its own document (`AskedFeedback`): only
//! the colleague writes it, it closes when the review is shared, and the copy shared into
//! the review names the writer only when the feedback was not anonymous; anonymous copies
//! are shared only when enough of them hide one another.

use std::sync::OnceLock;
use throughline::model::review::{
    AskedFeedback, ClosedWords, FeedbackShared, Review, ReviewContext, ReviewError, ReviewSetup,
    Stage, MIN_ANONYMOUS_ANSWERS,
};

use throughline::model::{DocumentId, DocumentUrl, ItemId, PersonId, Workspace};

fn ana() -> PersonId {
    PersonId::from("ana")
}
fn bo() -> PersonId {
    PersonId::from("bo")
}
fn hr() -> PersonId {
    PersonId::from("hr")
}
fn ben() -> PersonId {
    PersonId::from("ben")
}
fn cy() -> PersonId {
    PersonId::from("cy")
}
fn dee() -> PersonId {
    PersonId::from("dee")
}

const REVIEW: &str = "automerge:4NMNnkZUkSjKcvqXxC7jCHcdYRLs";

/// Ana's review (manager Bo, HR run by `hr`), with Ben asked anonymously and Cy by name.
fn asked() -> (Review, AskedFeedback, AskedFeedback) {
    let mut setup = ReviewSetup::example(&ana(), Some(&bo()));
    setup.hr = vec![hr()];
    let mut review = Review::new(setup);
    review.stage = Stage::ManagerReview;
    let hidden = review
        .request_feedback(review.actor(&bo()), &ben(), true, 1)
        .unwrap();
    let named = review
        .request_feedback(review.actor(&hr()), &cy(), false, 2)
        .unwrap();
    let url = DocumentUrl::from(REVIEW);
    let from_ben = AskedFeedback::for_request(&review, url.clone(), &hidden).unwrap();
    let from_cy = AskedFeedback::for_request(&review, url, &named).unwrap();
    for (request, asked) in [(&hidden, &from_ben), (&named, &from_cy)] {
        review
            .link_feedback_document(review.actor(&bo()), request, document_of(asked).into())
            .unwrap();
    }
    (review, from_ben, from_cy)
}

/// The documents Ben's, Cy's and Dee's feedback are written in.
fn documents() -> (DocumentId, DocumentId, DocumentId) {
    static IDS: OnceLock<(DocumentId, DocumentId, DocumentId)> = OnceLock::new();
    *IDS.get_or_init(|| {
        (
            DocumentId::random(),
            DocumentId::random(),
            DocumentId::random(),
        )
    })
}

fn document_of(asked: &AskedFeedback) -> DocumentId {
    match asked.writer.as_str() {
        "ben" => documents().0,
        "cy" => documents().1,
        _ => documents().2,
    }
}

/// Dee is asked too, anonymously (by the manager, before the review is shared), and
/// writes `text`.
fn dee_answers(review: &mut Review, text: &str) -> AskedFeedback {
    answers_anonymously(review, &dee(), documents().2, text)
}

/// `colleague` is asked anonymously (by the manager, before the review is shared) to
/// write in `document`, and writes `text`.
fn answers_anonymously(
    review: &mut Review,
    colleague: &PersonId,
    document: DocumentId,
    text: &str,
) -> AskedFeedback {
    let stage = std::mem::replace(&mut review.stage, Stage::ManagerReview);
    let request = review
        .request_feedback(review.actor(&bo()), colleague, true, 3)
        .unwrap();
    let mut asked =
        AskedFeedback::for_request(review, DocumentUrl::from(REVIEW), &request).unwrap();
    review
        .link_feedback_document(review.actor(&bo()), &request, document.into())
        .unwrap();
    review.stage = stage;
    asked.write(colleague, text, 4).unwrap();
    asked
}

/// `who` shares `asked` as the manager's device does: the documents close, the review
/// takes the copies.
fn share(
    review: &mut Review,
    who: &PersonId,
    asked: &mut [&mut AskedFeedback],
    at: i64,
) -> Result<FeedbackShared, ReviewError> {
    for feedback in asked.iter_mut() {
        feedback.close();
    }
    let pairs: Vec<(DocumentId, &AskedFeedback)> =
        asked.iter().map(|a| (document_of(a), &**a)).collect();
    review.share_feedback(review.actor(who), &pairs, None, at)
}

fn share_all(review: &mut Review, feedback: &mut [&mut AskedFeedback]) {
    let shared = share(review, &bo(), feedback, 10).unwrap();
    assert!(shared.refused.is_empty(), "{:?}", shared.refused);
}

#[test]
fn only_the_colleague_asked_writes_it_and_only_until_the_review_is_shared() {
    let (mut review, mut from_ben, _) = asked();
    assert_eq!(from_ben.writer, ben());
    assert_eq!(from_ben.employee, ana());
    for someone_else in [ana(), bo(), hr(), cy()] {
        assert_eq!(
            from_ben.write(&someone_else, "Forged", 3),
            Err(ReviewError::NotYourFeedback)
        );
    }
    from_ben.write(&ben(), "Ana ", 3).unwrap();
    assert!(from_ben.is_written());
    from_ben.write(&ben(), "   ", 4).unwrap();
    assert!(!from_ben.is_written(), "blanks are not feedback");
    from_ben.write(&ben(), "Ana unblocked us.", 5).unwrap();
    assert_eq!(
        from_ben.write(&ben(), &"x".repeat(5_001), 6),
        Err(ReviewError::FeedbackTooLong)
    );
    review.stage = Stage::Shared;
    share_all(&mut review, &mut [&mut from_ben]);
    assert!(from_ben.closed);
    assert_eq!(
        from_ben.write(&ben(), "Too late", 7),
        Err(ReviewError::FeedbackClosed)
    );
    assert_eq!(from_ben.text.as_str(), "Ana unblocked us.");
}

#[test]
fn a_nomination_gets_its_document_only_once_approved() {
    let mut review = Review::new(ReviewSetup::example(&ana(), Some(&bo())));
    review.stage = Stage::SelfReview;
    let nominated = review
        .request_feedback(review.actor(&ana()), &ben(), false, 1)
        .unwrap();
    let url = DocumentUrl::from(REVIEW);
    assert_eq!(
        AskedFeedback::for_request(&review, url.clone(), &nominated),
        Err(ReviewError::NominationPending)
    );
    review
        .approve_nomination(review.actor(&bo()), &nominated)
        .unwrap();
    assert!(AskedFeedback::for_request(&review, url, &nominated).is_ok());
    assert_eq!(
        AskedFeedback::for_request(&review, DocumentUrl::from(REVIEW), &ItemId::from("gone")),
        Err(ReviewError::FeedbackRequestGone)
    );
}

#[test]
fn sharing_copies_it_into_the_review_without_the_writer_when_anonymous() {
    let (mut review, mut from_ben, mut from_cy) = asked();
    from_ben.write(&ben(), "Ana unblocked us.", 3).unwrap();
    from_cy.write(&cy(), "Clear plans.", 4).unwrap();
    let mut from_dee = dee_answers(&mut review, "Calm under pressure.");
    // Not before the review is shared, and only by the manager or HR.
    assert_eq!(
        share(&mut review, &bo(), &mut [&mut from_ben], 5),
        Err(ReviewError::FeedbackNotShareable)
    );
    review.stage = Stage::Shared;
    for not_theirs in [ana(), ben(), cy()] {
        assert_eq!(
            share(&mut review, &not_theirs, &mut [&mut from_ben], 5),
            Err(ReviewError::NotYoursToShareFeedback)
        );
    }
    assert!(review.shared_feedback.is_empty());
    // A document still open is not shared (it closes first, so it is not written on).
    let open = from_cy.clone();
    let refused = review
        .share_feedback(review.actor(&hr()), &[(documents().1, &open)], None, 5)
        .unwrap();
    assert_eq!(
        refused.refused,
        vec![(documents().1, ReviewError::FeedbackNotShareable)]
    );
    assert!(review.shared_feedback.is_empty());
    let shared = share(
        &mut review,
        &hr(),
        &mut [&mut from_cy, &mut from_ben, &mut from_dee],
        5,
    )
    .unwrap();
    assert_eq!((shared.copied, shared.held_back), (3, 0));
    let copies: Vec<_> = review.shared_feedback.values().collect();
    assert_eq!(copies.len(), 3);
    for text in ["Ana unblocked us.", "Calm under pressure."] {
        let anonymous = copies.iter().find(|c| c.text == text).unwrap();
        assert_eq!(anonymous.from, None, "the copy names no one");
    }
    let named = copies.iter().find(|c| c.text == "Clear plans.").unwrap();
    assert_eq!(named.from, Some(cy()));
    // The copy's key is its own, not the request's (which the review names with the
    // colleague asked).
    for key in review.shared_feedback.keys() {
        assert!(!review.peer_feedback.contains_key(key));
    }
    // Sharing again keeps one copy each and changes nothing that is as written. Words that
    // reach a document after its close are not shared until the manager or HR take them;
    // then the copy is brought up to date.
    let again = share(
        &mut review,
        &bo(),
        &mut [&mut from_cy, &mut from_ben, &mut from_dee],
        6,
    )
    .unwrap();
    assert_eq!(again.copied, 0);
    assert!(!from_ben.copy_is_stale(&review));
    // Ben's and Dee's documents shared again as the manager's device holds them: how many
    // copies changed, and whether one reads `text`.
    let share_again = |review: &mut Review, from_ben: &AskedFeedback, text: &str| {
        let pairs = [
            (document_of(from_ben), from_ben),
            (document_of(&from_dee), &from_dee),
        ];
        let again = review
            .share_feedback(review.actor(&bo()), &pairs, None, 6)
            .unwrap();
        let reads = review.shared_feedback.values().any(|c| c.text == text);
        (again.copied, reads)
    };
    from_ben.text.update("Ana unblocked us twice.");
    assert!(!from_ben.copy_is_stale(&review));
    assert_eq!(from_ben.late_words(), Some("Ana unblocked us twice."));
    assert_eq!(
        share_again(&mut review, &from_ben, "Ana unblocked us."),
        (0, true)
    );
    from_ben
        .take_late_words(&document_of(&from_ben).url(), None)
        .unwrap();
    assert!(from_ben.copy_is_stale(&review));
    assert_eq!(from_ben.late_words(), None);
    assert_eq!(
        share_again(&mut review, &from_ben, "Ana unblocked us twice."),
        (1, true)
    );
    assert_eq!(review.shared_feedback.len(), 3);
    // Once signed, what the employee read stays as it was signed.
    review.signature = Some(Default::default());
    assert_eq!(
        share(&mut review, &bo(), &mut [&mut from_cy], 7),
        Err(ReviewError::FeedbackNotShareable)
    );
}

#[test]
fn a_lone_anonymous_answer_is_never_shown_to_the_employee() {
    // Ben was asked anonymously and Cy by name: the review Ana holds names both as asked,
    // so Ben's answer alone would name him.
    let (mut review, mut from_ben, mut from_cy) = asked();
    from_ben.write(&ben(), "Ana unblocked us.", 3).unwrap();
    from_cy.write(&cy(), "Clear plans.", 4).unwrap();
    let both = |review: &Review, a: &AskedFeedback, b: &AskedFeedback| {
        review.anonymous_held_back(&[(document_of(a), a), (document_of(b), b)], None)
    };
    // The manager is told before sharing that it would be held back.
    assert_eq!(both(&review, &from_ben, &from_cy), 1);
    review.stage = Stage::Shared;
    let shared = share(&mut review, &bo(), &mut [&mut from_ben, &mut from_cy], 5).unwrap();
    assert_eq!((shared.copied, shared.held_back), (1, 1));
    let as_employee = review.feedback_shown(&[], Some(&ana()));
    assert_eq!(as_employee.len(), 1);
    assert_eq!(as_employee[0].from, Some(cy()));
    assert!(
        !review
            .shared_feedback
            .values()
            .any(|c| c.text.contains("unblocked")),
        "nothing of Ben's answer is in the review Ana holds"
    );
    // The manager still reads it, with its writer.
    let as_manager = review.feedback_shown(
        &[
            (document_of(&from_ben), &from_ben),
            (document_of(&from_cy), &from_cy),
        ],
        Some(&bo()),
    );
    assert!(as_manager
        .iter()
        .any(|f| f.text == "Ana unblocked us." && f.from == Some(ben())));
    assert_eq!(both(&review, &from_ben, &from_cy), 1);

    // With a second anonymous answer written, both are shared in one step, at one time,
    // under keys that say nothing of whom they answer.
    let (mut review, mut from_ben, _) = asked();
    from_ben.write(&ben(), "Ana unblocked us.", 3).unwrap();
    let mut from_dee = dee_answers(&mut review, "   ");
    review.stage = Stage::Shared;
    // Dee's blanks are no answer.
    let shared = share(&mut review, &bo(), &mut [&mut from_ben, &mut from_dee], 5).unwrap();
    assert_eq!((shared.copied, shared.held_back), (0, 1));
    let (mut review, mut from_ben, _) = asked();
    from_ben.write(&ben(), "Ana unblocked us.", 3).unwrap();
    let mut from_dee = dee_answers(&mut review, "Calm under pressure.");
    assert_eq!(MIN_ANONYMOUS_ANSWERS, 2);
    assert_eq!(both(&review, &from_ben, &from_dee), 0);
    review.stage = Stage::Shared;
    let shared = share(&mut review, &bo(), &mut [&mut from_ben, &mut from_dee], 5).unwrap();
    assert_eq!((shared.copied, shared.held_back), (2, 0));
    assert!(review.shared_feedback.values().all(|c| c.from.is_none()));
    assert_eq!(
        review.feedback_shown(&[], Some(&ana())).len(),
        2,
        "Ana reads both, named by no one"
    );

    // An answer that comes later (its writer's device was offline at sharing) does not
    // stand out on its own: it waits for another.
    let (eve_document, fay_document) = (DocumentId::random(), DocumentId::random());
    let mut from_eve = answers_anonymously(
        &mut review,
        &PersonId::from("eve"),
        eve_document,
        "Asks good questions.",
    );
    let mut from_fay = answers_anonymously(
        &mut review,
        &PersonId::from("fay"),
        fay_document,
        "Writes clear plans.",
    );
    from_eve.close();
    from_fay.close();
    let one = [(eve_document, &from_eve)];
    assert_eq!(review.anonymous_held_back(&one, None), 1);
    let shared = review
        .share_feedback(review.actor(&bo()), &one, None, 8)
        .unwrap();
    assert_eq!((shared.copied, shared.held_back), (0, 1));
    let both = [(eve_document, &from_eve), (fay_document, &from_fay)];
    assert_eq!(review.anonymous_held_back(&both, None), 0);
    let shared = review
        .share_feedback(review.actor(&bo()), &both, None, 9)
        .unwrap();
    assert_eq!((shared.copied, shared.held_back), (2, 0));
    assert_eq!(review.feedback_shown(&[], Some(&ana())).len(), 4);
}

#[test]
fn the_employee_reads_the_copies_and_the_manager_the_documents_each_once() {
    let (mut review, mut from_ben, mut from_cy) = asked();
    from_ben.write(&ben(), "Ana unblocked us.", 3).unwrap();
    from_cy.write(&cy(), "Clear plans.", 4).unwrap();
    // Before sharing, the employee's device reads nothing of it (it holds neither
    // document); the manager's reads both, with their writers.
    assert!(review.feedback_shown(&[], Some(&ana())).is_empty());
    let as_manager = review.feedback_shown(
        &[
            (document_of(&from_ben), &from_ben),
            (document_of(&from_cy), &from_cy),
        ],
        Some(&bo()),
    );
    assert_eq!(as_manager.len(), 2);
    assert!(as_manager
        .iter()
        .any(|f| f.from == Some(ben()) && f.anonymous));
    let mut from_dee = dee_answers(&mut review, "Calm under pressure.");
    review.stage = Stage::Shared;
    share_all(
        &mut review,
        &mut [&mut from_ben, &mut from_cy, &mut from_dee],
    );
    let as_employee = review.feedback_shown(&[], Some(&ana()));
    assert_eq!(as_employee.len(), 3);
    assert!(as_employee
        .iter()
        .any(|f| f.from.is_none() && f.anonymous && f.text == "Ana unblocked us."));
    assert!(as_employee.iter().any(|f| f.from == Some(cy())));
    assert_eq!(
        review
            .feedback_shown(
                &[
                    (document_of(&from_ben), &from_ben),
                    (document_of(&from_cy), &from_cy),
                    (document_of(&from_dee), &from_dee)
                ],
                Some(&bo())
            )
            .len(),
        3,
        "the manager's device holds both the documents and the copies: each once"
    );
    // In the Markdown the employee downloads, the anonymous writer is named nowhere.
    let name = |p: &PersonId| p.as_str().to_uppercase();
    let objective = |_: &throughline::model::review::Alignment| None;
    let time = |_: i64| "today".to_owned();
    let markdown = review.to_markdown(&ReviewContext {
        person_name: &name,
        objective: &objective,
        viewer: Some(&ana()),
        format_time: &time,
        asked: &[],
    });
    assert!(markdown.contains("> Ana unblocked us.\n>\n> — a colleague (anonymous)"));
    assert!(markdown.contains("> Clear plans.\n>\n> — CY"));
    let as_manager = review.to_markdown(&ReviewContext {
        person_name: &name,
        objective: &objective,
        viewer: Some(&bo()),
        format_time: &time,
        asked: &[
            (document_of(&from_ben), &from_ben),
            (document_of(&from_cy), &from_cy),
        ],
    });
    assert!(as_manager.contains("> Ana unblocked us.\n>\n> — BEN"));
}

#[test]
fn a_request_an_earlier_version_made_moves_to_its_own_document() {
    let mut review = Review::new(ReviewSetup::example(&ana(), Some(&bo())));
    review.stage = Stage::SelfReview;
    let request = review
        .request_feedback(review.actor(&bo()), &ben(), true, 1)
        .unwrap();
    let document = DocumentUrl::from("automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ");
    // Written in the review while it has no document of its own (as earlier versions
    // did); only the manager or HR moves it, once.
    review
        .write_feedback(&ben(), &request, "Old words", 2)
        .unwrap();
    assert_eq!(
        review.link_feedback_document(review.actor(&ana()), &request, document.clone()),
        Err(ReviewError::NotYoursToAskFeedback)
    );
    review
        .link_feedback_document(review.actor(&bo()), &request, document.clone())
        .unwrap();
    let other = DocumentUrl::from("automerge:3j9knpCseyhnK8izDmLpGP5WMdZQ");
    review
        .link_feedback_document(review.actor(&bo()), &request, other)
        .unwrap();
    assert_eq!(
        review.peer_feedback[&request].document,
        Some(document.clone())
    );
    assert_eq!(
        review.write_feedback(&ben(), &request, "New words", 3),
        Err(ReviewError::FeedbackWrittenElsewhere)
    );
    // The workspace listing of an earlier request gains the document; a later listing
    // changes nothing else.
    let mut ws = Workspace::new("Acme");
    let listing = |document: Option<DocumentUrl>| throughline::model::review::FeedbackRequest {
        review: DocumentUrl::from(REVIEW),
        peer: ben(),
        employee: ana(),
        requested_at: 1,
        document,
    };
    ws.list_feedback_request(request.clone(), listing(None));
    ws.list_feedback_request(request.clone(), listing(Some(document.clone())));
    assert_eq!(
        ws.feedback_requests[&request].document,
        Some(document.clone())
    );
    ws.list_feedback_request(
        request.clone(),
        listing(Some(DocumentUrl::from("automerge:elsewhere"))),
    );
    assert_eq!(ws.feedback_requests[&request].document, Some(document));
}

#[test]
fn another_device_gives_a_request_its_document_only_when_it_is_not_on_its_way() {
    let mut review = Review::new(ReviewSetup::example(&ana(), Some(&bo())));
    review.stage = Stage::SelfReview;
    let asked = review
        .request_feedback(review.actor(&bo()), &ben(), false, 1_000)
        .unwrap();
    let nominated = review
        .request_feedback(review.actor(&ana()), &cy(), false, 1_000)
        .unwrap();
    let ten_minutes = 10 * 60 * 1_000;
    // Made by this version: the asking device makes its document; another waits.
    assert!(!review.peer_feedback[&asked].needs_document(2_000));
    assert!(review.peer_feedback[&asked].needs_document(1_001 + ten_minutes));
    // A nomination waits for its approval.
    assert!(!review.peer_feedback[&nominated].needs_document(1_001 + ten_minutes));
    // An earlier version's request (no flag) moves at once, unless written in the review.
    let mut older = review.peer_feedback[&asked].clone();
    older.own_document = false;
    assert!(older.needs_document(2_000));
    older.text.update("Written in the review");
    assert!(!older.needs_document(2_000));
    // One with a document needs none.
    let mut linked = review.peer_feedback[&asked].clone();
    linked.document = Some(DocumentUrl::from(REVIEW));
    assert!(!linked.needs_document(1_001 + ten_minutes));
}

#[test]
fn an_answer_is_named_and_shared_only_as_the_review_s_request_says() {
    // Ben's device rewrites its document to claim Cy wrote it: it answers nothing, so it
    // is neither shared nor shown (on the manager's device) under anyone's name.
    let (mut review, mut from_ben, _) = asked();
    from_ben.write(&ben(), "Ana unblocked us.", 3).unwrap();
    let mut renamed = from_ben.clone();
    renamed.writer = cy();
    renamed.anonymous = false;
    review.stage = Stage::Shared;
    renamed.close();
    let refused = |review: &mut Review, document: DocumentId, asked: &AskedFeedback| {
        let shared = review
            .share_feedback(review.actor(&bo()), &[(document, asked)], None, 5)
            .unwrap();
        assert_eq!(shared.copied, 0);
        shared.refused
    };
    assert_eq!(
        refused(&mut review, documents().0, &renamed),
        vec![(documents().0, ReviewError::FeedbackRequestGone)]
    );
    assert!(review
        .feedback_shown(&[(documents().0, &renamed)], Some(&bo()))
        .is_empty());
    // Nor does another document made for Ben's request (its listing is not the one the
    // review names).
    let elsewhere = DocumentId::random();
    from_ben.close();
    assert_eq!(
        refused(&mut review, elsewhere, &from_ben),
        vec![(elsewhere, ReviewError::FeedbackRequestGone)]
    );
    assert!(review.shared_feedback.is_empty());

    // Ana's device (she may change her review) marks Ben's request as not anonymous, and
    // Ben's document still says anonymous: the copy names no one (and it waits for a
    // second anonymous answer, Dee's).
    let request = from_ben.request.clone();
    review.peer_feedback.get_mut(&request).unwrap().anonymous = false;
    let mut from_dee = dee_answers(&mut review, "Calm under pressure.");
    share_all(&mut review, &mut [&mut from_ben, &mut from_dee]);
    let copy = review
        .shared_feedback
        .values()
        .find(|c| c.text == "Ana unblocked us.")
        .unwrap();
    assert_eq!(copy.from, None, "anonymous if either says so");
    // And a writer cannot name themselves into a request asked anonymously.
    let (mut review, mut from_ben, _) = asked();
    from_ben.write(&ben(), "Signed, Ben.", 3).unwrap();
    from_ben.anonymous = false;
    let mut from_dee = dee_answers(&mut review, "Calm under pressure.");
    review.stage = Stage::Shared;
    share_all(&mut review, &mut [&mut from_ben, &mut from_dee]);
    assert!(review.shared_feedback.values().all(|c| c.from.is_none()));
    assert_eq!(review.shared_feedback.len(), 2);
}

#[test]
fn once_the_workspace_has_members_only_what_the_writer_s_device_sealed_is_shared() {
    use throughline::model::identity::{DeviceSecret, Membership};
    // A membership in which Ben's device is his (the workspace and its statements are
    // made the way every device works them out).
    let mut workspace = Workspace::default();
    let ws = "4NMNnkZUkSjKcvqXxC7jCHcdYRLs";
    let root = DeviceSecret::generate().unwrap();
    let admin = bo();
    workspace.people.insert(admin.clone(), Default::default());
    workspace.people.insert(ben(), Default::default());
    workspace.claim(ws, &root, &admin, 0).unwrap();
    let (ben_device, invitation) = (
        DeviceSecret::generate().unwrap(),
        DeviceSecret::generate().unwrap(),
    );
    use throughline::model::identity::{acceptance_message, Act, Purpose};
    let pinned = root.public();
    workspace
        .sign(
            ws,
            &root,
            Some(&pinned),
            Act::Invite {
                invitation: invitation.public(),
                person: ben(),
                expires: i64::MAX,
            },
            1,
        )
        .unwrap();
    let accept = Act::Accept {
        invitation: invitation.public(),
        proof: invitation.sign(
            Purpose::Acceptance,
            &acceptance_message(ws, &ben_device.public()),
        ),
    };
    workspace
        .sign(ws, &ben_device, Some(&pinned), accept, 2)
        .unwrap();
    let root_key: throughline::model::identity::DeviceKey = workspace.root.parse().unwrap();
    let membership = Membership::verify(ws, &root_key, &workspace.membership);
    assert_eq!(membership.person_of(&ben_device.public()), Some(&ben()));

    let (mut review, mut from_ben, _) = asked();
    let url = document_of(&from_ben).url();
    // Asked by name here (a lone anonymous answer would be held back whatever its seal).
    review
        .peer_feedback
        .get_mut(&from_ben.request)
        .unwrap()
        .anonymous = false;
    from_ben.anonymous = false;
    review.stage = Stage::Shared;
    let share = |review: &mut Review, asked: &AskedFeedback| {
        let shared = review
            .share_feedback(
                review.actor(&bo()),
                &[(document_of(asked), asked)],
                Some(&membership),
                5,
            )
            .unwrap();
        match shared.refused.first() {
            Some((_, problem)) => Err(problem.clone()),
            None => Ok(shared.copied),
        }
    };
    // Written in Ben's name by no device, or by one that is not his: never shared.
    from_ben.write(&ben(), "Ana is great.", 3).unwrap();
    let by_stranger = {
        let mut copy = from_ben.clone();
        copy.seal(&url, &DeviceSecret::generate().unwrap());
        copy
    };
    // Sealed by Ben's device, then altered: not shared either.
    from_ben.seal(&url, &ben_device);
    let mut altered = from_ben.clone();
    altered.text = autosurgeon::Text::with_value("Ana is not great.");
    let mut unsealed = from_ben.clone();
    unsealed.seal = String::new();
    for mut refused in [unsealed, by_stranger, altered] {
        refused.close();
        assert_eq!(
            share(&mut review, &refused),
            Err(ReviewError::FeedbackNotSealed)
        );
    }
    assert!(review.shared_feedback.is_empty());
    // As Ben's device sealed it: shared, under his name.
    from_ben.close();
    assert_eq!(share(&mut review, &from_ben), Ok(1));
    assert_eq!(review.shared_feedback.len(), 1);
    assert_eq!(
        review.shared_feedback.values().next().unwrap().from,
        Some(ben())
    );
    // Words that reach it after the close, altered by no device of Ben's: what it closed
    // with stays shared, and the late words cannot be taken.
    from_ben.text = autosurgeon::Text::with_value("Ana is not great.");
    assert_eq!(share(&mut review, &from_ben), Ok(0));
    assert_eq!(
        from_ben.take_late_words(&url, Some(&membership)),
        Err(ReviewError::FeedbackNotSealed)
    );
    // Sealed by his device (typed on it while it was offline): taken, then shared.
    from_ben.seal(&url, &ben_device);
    from_ben.take_late_words(&url, Some(&membership)).unwrap();
    assert_eq!(share(&mut review, &from_ben), Ok(1));
    assert_eq!(
        review.shared_feedback.values().next().unwrap().text,
        "Ana is not great."
    );

    // An anonymous answer counts toward the minimum only when sealed: Ben's sealed one and
    // an unsealed one in Dee's name are not two.
    let (mut review, mut from_ben, _) = asked();
    review.stage = Stage::Shared;
    from_ben.write(&ben(), "Ana is great.", 3).unwrap();
    from_ben.seal(&url, &ben_device);
    from_ben.close();
    let mut from_dee = dee_answers(&mut review, "Unsealed words.");
    from_dee.close();
    let pairs = [(documents().0, &from_ben), (documents().2, &from_dee)];
    assert_eq!(review.anonymous_held_back(&pairs, Some(&membership)), 1);
    let shared = review
        .share_feedback(review.actor(&bo()), &pairs, Some(&membership), 5)
        .unwrap();
    assert_eq!((shared.copied, shared.held_back), (0, 1));
    assert_eq!(
        shared.refused,
        vec![(documents().2, ReviewError::FeedbackNotSealed)]
    );
    assert!(review.shared_feedback.is_empty());
}

/// What a device sends of Ben's feedback document, checked as the relay and a direct link
/// check it (`check_parts`): Ben writes it, Bo (the manager) or HR starts and closes it.
mod changes_checked {
    use super::*;
    use automerge::{AutoCommit, Automerge};
    use throughline::model::part_check::{check_parts, ChangeRefused, PartRefused, PartWriter};

    fn hand(manager_or_hr: bool) -> PartWriter {
        PartWriter::AskedFeedback {
            employee: ana(),
            writer: Some(ben()),
            manager_or_hr,
        }
    }

    /// The changes made to `doc` since `from` (its heads before).
    fn since(doc: &mut AutoCommit, from: &[automerge::ChangeHash]) -> Vec<Vec<u8>> {
        doc.get_changes(from)
            .into_iter()
            .map(|change| change.raw_bytes().to_vec())
            .collect()
    }

    /// `edit` made to a copy of `held` by `person` writing as `writes_as`, checked
    /// against `held`.
    fn check(
        held: &Automerge,
        person: &PersonId,
        writes_as: &PartWriter,
        edit: impl FnOnce(&mut AskedFeedback),
    ) -> Result<(), ChangeRefused> {
        let mut doc = AutoCommit::load(&held.save()).unwrap();
        let heads = doc.get_heads();
        let mut feedback: AskedFeedback = autosurgeon::hydrate(&doc).unwrap();
        edit(&mut feedback);
        autosurgeon::reconcile(&mut doc, &feedback).unwrap();
        doc.commit();
        let chunks = since(&mut doc, &heads);
        let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        check_parts(held, &[], &chunks, person, writes_as).map(drop)
    }

    fn started() -> Automerge {
        start(&asked().1)
    }

    /// `from_ben` as Bo's device starts it, checked.
    fn start(from_ben: &AskedFeedback) -> Automerge {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, from_ben).unwrap();
        doc.commit();
        let start = doc.save();
        let empty = Automerge::new();
        // Bo starts it; Ben cannot (nor could he start it naming someone else).
        check_parts(&empty, &[], &[&start], &bo(), &hand(true)).unwrap();
        assert_eq!(
            check_parts(&empty, &[], &[&start], &ben(), &hand(false)),
            Err(ChangeRefused::NotHeld)
        );
        let other_writer = PartWriter::AskedFeedback {
            employee: ana(),
            writer: Some(cy()),
            manager_or_hr: true,
        };
        assert_eq!(
            check_parts(&empty, &[], &[&start], &bo(), &other_writer),
            Err(ChangeRefused::NotHeld)
        );
        Automerge::load(&start).unwrap()
    }

    fn refused(why: ReviewError) -> Result<(), ChangeRefused> {
        Err(ChangeRefused::NotTheirs(PartRefused::Review(why)))
    }

    #[test]
    fn only_the_colleague_writes_it_and_only_the_manager_or_hr_close_it() {
        let held = started();
        let (ben_writes, bo_writes) = (hand(false), hand(true));
        check(&held, &ben(), &ben_writes, |f| {
            f.write(&ben(), "Ana unblocked us.", 3).unwrap()
        })
        .unwrap();
        assert_eq!(
            check(&held, &bo(), &bo_writes, |f| f
                .text
                .update("Words put in Ben's name.")),
            refused(ReviewError::NotYourFeedback)
        );
        for fixed in [
            &(|f: &mut AskedFeedback| f.anonymous = false) as &dyn Fn(&mut AskedFeedback),
            &|f| f.writer = bo(),
            &|f| f.employee = cy(),
        ] {
            assert_eq!(
                check(&held, &ben(), &ben_writes, fixed),
                refused(ReviewError::FeedbackRequestFixed)
            );
        }
        assert_eq!(
            check(&held, &ben(), &ben_writes, |f| {
                f.close();
            }),
            refused(ReviewError::NotYoursToShareFeedback)
        );
        check(&held, &bo(), &bo_writes, |f| {
            f.close();
        })
        .unwrap();
    }

    #[test]
    fn once_closed_it_stays_closed_but_words_written_before_the_close_still_arrive() {
        let held = started();
        // Ben writes offline, in two sittings, while Bo closes it (the review is shared).
        let mut bens = AutoCommit::load(&held.save()).unwrap();
        let before = bens.get_heads();
        for (text, at) in [
            ("Written on the train.", 3),
            ("Written on the train. And more.", 4),
        ] {
            let mut feedback: AskedFeedback = autosurgeon::hydrate(&bens).unwrap();
            feedback.write(&ben(), text, at).unwrap();
            autosurgeon::reconcile(&mut bens, &feedback).unwrap();
            bens.commit();
        }
        let offline = since(&mut bens, &before);
        assert_eq!(offline.len(), 2);
        let mut closing = AutoCommit::load(&held.save()).unwrap();
        let mut feedback: AskedFeedback = autosurgeon::hydrate(&closing).unwrap();
        feedback.close();
        autosurgeon::reconcile(&mut closing, &feedback).unwrap();
        closing.commit();
        let closed = Automerge::load(&closing.save()).unwrap();
        // Ben's words reach the closed document: they were written while it was open. So
        // whether they come a chunk per change or, as automerge's second sync message
        // format sends them, both in one chunk.
        let chunks: Vec<&[u8]> = offline.iter().map(Vec::as_slice).collect();
        check_parts(&closed, &[], &chunks, &ben(), &hand(false)).unwrap();
        let joined = offline.concat();
        check_parts(&closed, &[], &[&joined], &ben(), &hand(false)).unwrap();
        // Written after it closed, or opening it again: refused.
        assert_eq!(
            check(&closed, &ben(), &hand(false), |f| f.text.update("Later.")),
            refused(ReviewError::FeedbackClosed)
        );
        assert_eq!(
            check(&closed, &bo(), &hand(true), |f| f.closed = false),
            refused(ReviewError::FeedbackStaysClosed)
        );
    }

    #[test]
    fn a_write_built_on_the_state_before_the_close_undoes_nothing_of_it_even_when_it_wins() {
        use automerge::transaction::Transactable;
        use automerge::{ScalarValue, ROOT};
        let held = started();
        // Ben's modified client, from the state before the close: many edits, so that
        // its operation counter is larger than the close's, then `closed` put to false
        // and the closing fields to nothing.
        let mut bens = AutoCommit::load(&held.save()).unwrap();
        let before = bens.get_heads();
        for n in 0..40 {
            let mut feedback: AskedFeedback = autosurgeon::hydrate(&bens).unwrap();
            let text = format!("Slipped in after the close, draft {n}.");
            feedback.write(&ben(), &text, 3).unwrap();
            autosurgeon::reconcile(&mut bens, &feedback).unwrap();
        }
        // (A put of the value a field holds is no operation: each goes through another
        // value, in the same change.)
        for (key, value) in [
            ("closed", ScalarValue::Boolean(false)),
            ("closed_with", ScalarValue::Null),
            ("shared_as", ScalarValue::Null),
        ] {
            bens.put(ROOT, key, 1).unwrap();
            bens.put(ROOT, key, value).unwrap();
        }
        bens.commit();
        let forged = since(&mut bens, &before);
        // Bo closes it meanwhile, keeping what it held (nothing).
        let mut bos = AutoCommit::load(&held.save()).unwrap();
        let mut closing: AskedFeedback = autosurgeon::hydrate(&bos).unwrap();
        closing.close();
        autosurgeon::reconcile(&mut bos, &closing).unwrap();
        bos.commit();
        let closed = Automerge::load(&bos.save()).unwrap();
        // Built on the state before the close, the change is taken where it was made...
        let chunks: Vec<&[u8]> = forged.iter().map(Vec::as_slice).collect();
        check_parts(&closed, &[], &chunks, &ben(), &hand(false)).unwrap();
        let mut merged = AutoCommit::load(&closed.save()).unwrap();
        for chunk in &forged {
            merged.load_incremental(chunk).unwrap();
        }
        // ...and wins Automerge's choice on every field it wrote:
        let naive: AskedFeedback = autosurgeon::hydrate(&merged).unwrap();
        assert!(!naive.closed && naive.closed_with.is_none() && naive.shared_as.is_none());
        // but read as everyone reads it, it undid nothing: still closed, with the words
        // and the key it closed with, and Ben's words late.
        let read = AskedFeedback::read_settled(&merged).unwrap();
        assert!(read.closed);
        assert_eq!(read.closed_with, closing.closed_with);
        assert_eq!(read.shared_as, closing.shared_as);
        assert!(!read.has_shared_words());
        assert_eq!(
            read.late_words(),
            Some("Slipped in after the close, draft 39.")
        );
        // Nor can he write on: the next change of his is refused as written after the close.
        assert_eq!(
            check(
                &Automerge::load(&merged.save()).unwrap(),
                &ben(),
                &hand(false),
                |f| f.text.update("More.")
            ),
            refused(ReviewError::FeedbackClosed)
        );
    }

    #[test]
    fn words_that_reach_it_after_its_close_are_shared_only_when_the_manager_takes_them() {
        // Asked by name (a lone anonymous answer is held back whatever it says).
        let (mut review, mut from_ben, _) = asked();
        from_ben.anonymous = false;
        let request = review.peer_feedback.get_mut(&from_ben.request).unwrap();
        request.anonymous = false;
        let held = start(&from_ben);
        review.stage = Stage::Shared;
        let document = documents().0;
        let shared = |review: &mut Review, doc: &AutoCommit| {
            let feedback: AskedFeedback = autosurgeon::hydrate(doc).unwrap();
            let copied = review
                .share_feedback(review.actor(&bo()), &[(document, &feedback)], None, 9)
                .unwrap();
            assert!(copied.refused.is_empty(), "{:?}", copied.refused);
            review
                .shared_feedback
                .values()
                .map(|c| c.text.clone())
                .collect::<Vec<_>>()
        };
        // Ben writes, and Bo's device has it.
        let mut bens = AutoCommit::load(&held.save()).unwrap();
        let mut feedback: AskedFeedback = autosurgeon::hydrate(&bens).unwrap();
        feedback.write(&ben(), "Ana unblocked us.", 3).unwrap();
        autosurgeon::reconcile(&mut bens, &feedback).unwrap();
        bens.commit();
        let mut bos = AutoCommit::load(&bens.save()).unwrap();
        let before_close = bos.get_heads();
        // Bo shares the review: it closes with Ben's words, which are copied.
        let mut closing: AskedFeedback = autosurgeon::hydrate(&bos).unwrap();
        closing.close();
        autosurgeon::reconcile(&mut bos, &closing).unwrap();
        bos.commit();
        let closed = Automerge::load(&bos.save()).unwrap();
        check_parts(
            &Automerge::load(&bens.save()).unwrap(),
            &[],
            &[&since(&mut bos, &before_close).concat()],
            &bo(),
            &hand(true),
        )
        .unwrap();
        assert_eq!(shared(&mut review, &bos), vec!["Ana unblocked us."]);
        // Ben's device, not knowing of the close (or pretending not to), adds words: judged
        // where they were made, they are taken, and merge into the closed document.
        let ben_before = bens.get_heads();
        let mut feedback: AskedFeedback = autosurgeon::hydrate(&bens).unwrap();
        feedback
            .write(&ben(), "Ana unblocked us. Added after the close.", 4)
            .unwrap();
        autosurgeon::reconcile(&mut bens, &feedback).unwrap();
        bens.commit();
        let late = since(&mut bens, &ben_before);
        let late: Vec<&[u8]> = late.iter().map(Vec::as_slice).collect();
        check_parts(&closed, &[], &late, &ben(), &hand(false)).unwrap();
        bos.merge(&mut bens).unwrap();
        let merged: AskedFeedback = autosurgeon::hydrate(&bos).unwrap();
        assert!(merged.closed);
        assert_eq!(
            merged.late_words(),
            Some("Ana unblocked us. Added after the close.")
        );
        // Not shared: the employee keeps reading what it closed with.
        assert_eq!(shared(&mut review, &bos), vec!["Ana unblocked us."]);
        let shown = review.feedback_shown(&[(document, &merged)], Some(&bo()));
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].text, "Ana unblocked us.");
        assert_eq!(
            shown[0].late.as_deref(),
            Some("Ana unblocked us. Added after the close.")
        );
        let merged_doc = Automerge::load(&bos.save()).unwrap();
        // Ben cannot make his late words the ones shared, nor Bo put other words there.
        assert_eq!(
            check(&merged_doc, &ben(), &hand(false), |f| {
                f.closed_with = Some(ClosedWords::of(f));
            }),
            refused(ReviewError::NotYoursToShareFeedback)
        );
        assert_eq!(
            check(&merged_doc, &bo(), &hand(true), |f| {
                f.closed_with = Some(ClosedWords {
                    text: "Words Ben never wrote.".into(),
                    ..ClosedWords::of(f)
                });
            }),
            refused(ReviewError::ClosedWordsNotWritten)
        );
        // Bo takes them: they are shared in place of the words it closed with.
        let bo_before = bos.get_heads();
        let mut taking: AskedFeedback = autosurgeon::hydrate(&bos).unwrap();
        taking.take_late_words(&document.url(), None).unwrap();
        autosurgeon::reconcile(&mut bos, &taking).unwrap();
        bos.commit();
        let taken = since(&mut bos, &bo_before);
        let taken: Vec<&[u8]> = taken.iter().map(Vec::as_slice).collect();
        check_parts(&merged_doc, &[], &taken, &bo(), &hand(true)).unwrap();
        assert_eq!(
            shared(&mut review, &bos),
            vec!["Ana unblocked us. Added after the close."]
        );
        // Nothing written when it closed: an answer that comes after is not shared either.
        let mut empty = AutoCommit::load(&held.save()).unwrap();
        let mut closing: AskedFeedback = autosurgeon::hydrate(&empty).unwrap();
        closing.close();
        autosurgeon::reconcile(&mut empty, &closing).unwrap();
        empty.commit();
        let mut written: AskedFeedback = autosurgeon::hydrate(&empty).unwrap();
        written.text.update("Backdated words.");
        assert!(!written.has_shared_words());
        assert_eq!(written.late_words(), Some("Backdated words."));
        review.shared_feedback.clear();
        let copied = review
            .share_feedback(review.actor(&bo()), &[(document, &written)], None, 9)
            .unwrap();
        assert_eq!((copied.copied, copied.held_back), (0, 0));
        assert!(copied.refused.is_empty());
        // A late removal of every word leaves the copy as it was shared.
        written.closed_with = Some(ClosedWords::of(&written));
        written.text.update("");
        assert_eq!(
            written.take_late_words(&document.url(), None),
            Err(ReviewError::LateWordsRemoved)
        );
    }
}
