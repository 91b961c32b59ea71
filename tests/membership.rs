//! Who belongs, worked out from signed statements: what counts, what is ignored and why,
//! including what a hostile member's device tries (making itself admin, forging, reusing
//! an invitation, acting after its removal).

use throughline::model::access::Access;
use throughline::model::identity::{
    acceptance_message, Act, DeviceKey, DeviceSecret, Ignored, Membership, Purpose, Role,
    SignedStatement,
};
use throughline::model::part_check::PartWriter;
use throughline::model::review::{Capacity, Review, ReviewSetup};
use throughline::model::{MembershipError, Person, PersonId, Workspace};

const WS: &str = "4NMNnkZUkSjKcvqXxC7jCHcdYRLs";
const DAY: i64 = 86_400_000;

/// A workspace with people, claimed by `root` as `admin`.
struct Org {
    workspace: Workspace,
    root: DeviceSecret,
    admin: PersonId,
}

fn person(workspace: &mut Workspace, name: &str) -> PersonId {
    let id = PersonId::random();
    workspace.people.insert(
        id.clone(),
        Person {
            name: name.to_owned(),
            ..Person::default()
        },
    );
    id
}

fn key() -> DeviceSecret {
    DeviceSecret::generate().expect("randomness")
}

impl Org {
    fn new() -> Self {
        let mut workspace = Workspace::default();
        let admin = person(&mut workspace, "Ada Admin");
        let root = key();
        workspace.claim(WS, &root, &admin, 0).expect("claim");
        Self {
            workspace,
            root,
            admin,
        }
    }

    fn membership(&self) -> Membership {
        let root: DeviceKey = self.workspace.root.parse().expect("root");
        Membership::verify(WS, &root, &self.workspace.membership)
    }

    fn sign(&mut self, by: &DeviceSecret, act: Act) -> Result<String, MembershipError> {
        let root = self.root.public();
        self.workspace
            .sign(WS, by, Some(&root), act, 1_000)
            .map(|h| h.as_str().to_owned())
    }

    /// Signs without the model's check: what a modified client would write.
    fn force(&mut self, by: &DeviceSecret, act: Act, at: i64) -> String {
        let (hash, signed) = self.membership().sign(WS, by, act, at);
        self.workspace
            .membership
            .insert(hash.as_str().to_owned(), signed);
        hash.as_str().to_owned()
    }

    /// Invites `name` and accepts on a new device: the person and their device key.
    fn join(&mut self, name: &str) -> (PersonId, DeviceSecret) {
        let person = person(&mut self.workspace, name);
        let device = key();
        let invitation = key();
        let admin_device = self.root.clone();
        self.sign(
            &admin_device,
            Act::Invite {
                invitation: invitation.public(),
                person: person.clone(),
                expires: 7 * DAY,
            },
        )
        .expect("invite");
        self.sign(&device, accept(&invitation, &device))
            .expect("accept");
        (person, device)
    }

    /// The root (an admin) invites `person`, the invitation open until `expires`: its
    /// one-time secret.
    fn invite(&mut self, person: &PersonId, expires: i64) -> DeviceSecret {
        let invitation = key();
        let root = self.root.clone();
        self.sign(
            &root,
            Act::Invite {
                invitation: invitation.public(),
                person: person.clone(),
                expires,
            },
        )
        .expect("invite");
        invitation
    }

    /// The root (an admin) signs that `person` reports to `manager`.
    fn report(&mut self, person: &PersonId, manager: &PersonId) {
        let root = self.root.clone();
        self.sign(
            &root,
            Act::SetManager {
                person: person.clone(),
                manager: Some(manager.clone()),
            },
        )
        .expect("a reporting line");
    }

    fn reason(&self, hash: &str) -> Option<Ignored> {
        self.membership()
            .ignored()
            .iter()
            .find(|i| i.hash.as_str() == hash)
            .map(|i| i.reason)
    }
}

fn accept(invitation: &DeviceSecret, device: &DeviceSecret) -> Act {
    Act::Accept {
        invitation: invitation.public(),
        proof: invitation.sign(
            Purpose::Acceptance,
            &acceptance_message(WS, &device.public()),
        ),
    }
}

#[test]
fn the_founding_device_is_the_first_admin_and_an_invitation_binds_a_device() {
    let mut org = Org::new();
    let (ben, ben_device) = org.join("Ben");
    let m = org.membership();
    assert!(m.founded());
    assert_eq!(m.person_of(&org.root.public()), Some(&org.admin));
    assert!(m.has_role(&org.admin, Role::Admin));
    assert_eq!(m.person_of(&ben_device.public()), Some(&ben));
    assert!(!m.has_role(&ben, Role::Admin));
    assert!(m.ignored().is_empty(), "{:?}", m.ignored());
}

#[test]
fn a_second_claim_and_a_found_by_another_device_are_refused() {
    let mut org = Org::new();
    let other = key();
    let admin = org.admin.clone();
    assert_eq!(
        org.workspace.claim(WS, &other, &admin, 0),
        Err(MembershipError::AlreadyClaimed)
    );
    let hash = org.force(&other, Act::Found { person: admin }, 5);
    assert_eq!(org.reason(&hash), Some(Ignored::NotTheRoot));
}

#[test]
fn a_device_that_pinned_the_root_ignores_a_workspace_refounded_by_someone_else() {
    let mut org = Org::new();
    let pinned = org.root.public();
    // A modified client replaces the root and founds the workspace again as itself.
    let intruder = key();
    let eve = person(&mut org.workspace, "Eve");
    org.workspace.root = intruder.public().to_string();
    let (hash, signed) = Membership::default().sign(
        WS,
        &intruder,
        Act::Found {
            person: eve.clone(),
        },
        9,
    );
    org.workspace
        .membership
        .insert(hash.as_str().to_owned(), signed);
    let seen = org
        .workspace
        .membership(WS, Some(&pinned))
        .expect("claimed");
    assert_eq!(seen.person_of(&intruder.public()), None);
    assert!(!seen.has_role(&eve, Role::Admin));
    assert!(seen.has_role(&org.admin, Role::Admin));
}

#[test]
fn an_employee_cannot_make_themselves_admin_hr_or_anyone_s_manager() {
    let mut org = Org::new();
    let (ben, ben_device) = org.join("Ben");
    let (cleo, _) = org.join("Cleo");
    for act in [
        Act::Grant {
            person: ben.clone(),
            role: Role::Admin,
        },
        Act::Grant {
            person: ben.clone(),
            role: Role::Hr,
        },
        Act::SetManager {
            person: cleo.clone(),
            manager: Some(ben.clone()),
        },
        Act::RemovePerson {
            person: cleo.clone(),
        },
        Act::Revoke {
            person: org.admin.clone(),
            role: Role::Admin,
        },
    ] {
        assert_eq!(
            org.sign(&ben_device, act.clone()),
            Err(MembershipError::Refused(Ignored::NotAnAdmin)),
            "{act:?}"
        );
        let hash = org.force(&ben_device, act, 2_000);
        assert_eq!(org.reason(&hash), Some(Ignored::NotAnAdmin));
    }
    let m = org.membership();
    assert!(!m.has_role(&ben, Role::Admin) && !m.has_role(&ben, Role::Hr));
    assert_eq!(m.manager_of(&cleo), None);
    assert!(m.has_role(&org.admin, Role::Admin));
}

#[test]
fn a_tampered_or_foreign_statement_is_ignored() {
    let mut org = Org::new();
    let (ben, ben_device) = org.join("Ben");
    // Ben's device signs something harmless, then edits the signed text to say more.
    let (_, signed) = org.membership().sign(
        WS,
        &ben_device,
        Act::RemoveDevice {
            device: ben_device.public(),
        },
        3,
    );
    let forged = SignedStatement {
        payload: signed.payload.replace(
            &format!(
                "\"act\":\"remove-device\",\"device\":\"{}\"",
                ben_device.public()
            ),
            &format!("\"act\":\"grant\",\"person\":\"{ben}\",\"role\":\"admin\""),
        ),
        signature: signed.signature.clone(),
    };
    assert_ne!(forged.payload, signed.payload, "the payload was edited");
    let hash = forged.hash();
    org.workspace
        .membership
        .insert(hash.as_str().to_owned(), forged);
    assert_eq!(org.reason(hash.as_str()), Some(Ignored::BadSignature));
    // A statement signed for another workspace means nothing here.
    let (hash, other) = Membership::default().sign(
        "someOtherWorkspace",
        &org.root,
        Act::Grant {
            person: ben.clone(),
            role: Role::Admin,
        },
        4,
    );
    org.workspace
        .membership
        .insert(hash.as_str().to_owned(), other);
    assert_eq!(org.reason(hash.as_str()), Some(Ignored::OtherWorkspace));
    assert!(!org.membership().has_role(&ben, Role::Admin));
}

#[test]
fn an_invitation_is_used_once_before_it_expires_and_only_with_its_secret() {
    let mut org = Org::new();
    let dan = person(&mut org.workspace, "Dan");
    let invitation = org.invite(&dan, 10_000);
    // Without the secret: a proof made with another key.
    let thief = key();
    let proof = key().sign(
        Purpose::Acceptance,
        &acceptance_message(WS, &thief.public()),
    );
    let hash = org.force(
        &thief,
        Act::Accept {
            invitation: invitation.public(),
            proof,
        },
        2_000,
    );
    assert_eq!(org.reason(&hash), Some(Ignored::BadProof));
    // A proof for another device cannot be replayed.
    let first = key();
    let Act::Accept { proof, .. } = accept(&invitation, &first) else {
        unreachable!()
    };
    let hash = org.force(
        &thief,
        Act::Accept {
            invitation: invitation.public(),
            proof,
        },
        2_000,
    );
    assert_eq!(org.reason(&hash), Some(Ignored::BadProof));
    // After expiry.
    let late = key();
    let hash = org.force(&late, accept(&invitation, &late), 20_000);
    assert_eq!(org.reason(&hash), Some(Ignored::InvitationExpired));
    // The first acceptance counts, the second is refused.
    org.sign(&first, accept(&invitation, &first))
        .expect("accept");
    let second = key();
    assert_eq!(
        org.sign(&second, accept(&invitation, &second)),
        Err(MembershipError::Refused(Ignored::InvitationUsed))
    );
    let m = org.membership();
    assert_eq!(m.person_of(&first.public()), Some(&dan));
    assert_eq!(m.person_of(&second.public()), None);
    assert_eq!(m.person_of(&thief.public()), None);
}

#[test]
fn a_person_adds_their_own_second_device_but_not_one_for_someone_else() {
    let mut org = Org::new();
    let (ben, ben_phone) = org.join("Ben");
    let (cleo, _) = org.join("Cleo");
    let pairing = key();
    org.sign(
        &ben_phone,
        Act::Invite {
            invitation: pairing.public(),
            person: ben.clone(),
            expires: 7 * DAY,
        },
    )
    .expect("own device");
    let laptop = key();
    org.sign(&laptop, accept(&pairing, &laptop))
        .expect("accept");
    assert_eq!(org.membership().person_of(&laptop.public()), Some(&ben));
    assert_eq!(
        org.sign(
            &ben_phone,
            Act::Invite {
                invitation: key().public(),
                person: cleo,
                expires: 7 * DAY
            }
        ),
        Err(MembershipError::Refused(Ignored::NotAnAdmin))
    );
}

#[test]
fn what_a_removed_device_signs_after_its_removal_never_counts_even_backdated() {
    let mut org = Org::new();
    let root = org.root.clone();
    let (bob, bob_device) = org.join("Bob");
    org.sign(
        &root,
        Act::Grant {
            person: bob.clone(),
            role: Role::Admin,
        },
    )
    .expect("grant");
    // Bob's device, offline, has seen the grant; the admin removes Bob meanwhile.
    let seen_by_bob = org.membership();
    let dan = person(&mut org.workspace, "Dan");
    org.sign(
        &root,
        Act::RemovePerson {
            person: bob.clone(),
        },
    )
    .expect("remove");
    // Bob's device signs, after the grant but not having seen the removal, with an old clock.
    let (hash, signed) = seen_by_bob.sign(
        WS,
        &bob_device,
        Act::Grant {
            person: dan.clone(),
            role: Role::Admin,
        },
        1,
    );
    org.workspace
        .membership
        .insert(hash.as_str().to_owned(), signed);
    let m = org.membership();
    assert!(!m.has_role(&dan, Role::Admin));
    assert_eq!(org.reason(hash.as_str()), Some(Ignored::SignerRemoved));
    assert_eq!(m.person_of(&bob_device.public()), None);
    assert!(m.was_removed(&bob_device.public()));
    // And an invitation Bob made concurrently cannot be accepted.
    let invitation = key();
    let (hash, signed) = seen_by_bob.sign(
        WS,
        &bob_device,
        Act::Invite {
            invitation: invitation.public(),
            person: dan.clone(),
            expires: 7 * DAY,
        },
        1,
    );
    org.workspace
        .membership
        .insert(hash.as_str().to_owned(), signed);
    let newcomer = key();
    let accepted = org.force(&newcomer, accept(&invitation, &newcomer), 2);
    assert_eq!(org.reason(hash.as_str()), Some(Ignored::SignerRemoved));
    assert_eq!(org.reason(&accepted), Some(Ignored::UnknownInvitation));
    // What Bob did before his removal still counts: Dan's later statements are unaffected
    // and Bob's own acceptance stays in history.
    assert!(m.bound_to(&bob_device.public()) == Some(&bob));
}

#[test]
fn a_removed_device_cannot_join_again_and_the_last_admin_stays() {
    let mut org = Org::new();
    let root = org.root.clone();
    let (ben, ben_device) = org.join("Ben");
    org.sign(
        &root,
        Act::RemoveDevice {
            device: ben_device.public(),
        },
    )
    .expect("remove device");
    let invitation = key();
    org.sign(
        &root,
        Act::Invite {
            invitation: invitation.public(),
            person: ben.clone(),
            expires: 7 * DAY,
        },
    )
    .expect("invite");
    assert_eq!(
        org.sign(&ben_device, accept(&invitation, &ben_device)),
        Err(MembershipError::Refused(Ignored::DeviceAlreadyBound))
    );
    let admin = org.admin.clone();
    assert_eq!(
        org.sign(
            &root,
            Act::RemovePerson {
                person: admin.clone()
            }
        ),
        Err(MembershipError::Refused(Ignored::LastAdmin))
    );
    assert_eq!(
        org.sign(
            &root,
            Act::Revoke {
                person: admin,
                role: Role::Admin
            }
        ),
        Err(MembershipError::Refused(Ignored::LastAdmin))
    );
}

#[test]
fn two_admins_removing_each_other_at_once_settle_the_same_way_everywhere() {
    let mut org = Org::new();
    let root = org.root.clone();
    let (bob, bob_device) = org.join("Bob");
    org.sign(
        &root,
        Act::Grant {
            person: bob.clone(),
            role: Role::Admin,
        },
    )
    .expect("grant");
    let before = org.membership();
    let admin = org.admin.clone();
    let (h1, s1) = before.sign(
        WS,
        &root,
        Act::RemovePerson {
            person: bob.clone(),
        },
        5,
    );
    let (h2, s2) = before.sign(
        WS,
        &bob_device,
        Act::RemovePerson {
            person: admin.clone(),
        },
        5,
    );
    org.workspace.membership.insert(h1.as_str().to_owned(), s1);
    org.workspace.membership.insert(h2.as_str().to_owned(), s2);
    let m = org.membership();
    // One removal comes first in the agreed order and counts; the other was then made by
    // someone no longer in the workspace. The workspace never ends with no admin.
    assert!(m.has_role(&admin, Role::Admin) ^ m.has_role(&bob, Role::Admin));
    let reasons = [org.reason(h1.as_str()), org.reason(h2.as_str())];
    assert!(
        reasons.contains(&None) && reasons.contains(&Some(Ignored::NotAMember)),
        "{reasons:?}"
    );
    let mut reversed = Workspace::default();
    reversed.membership.extend(
        org.workspace
            .membership
            .iter()
            .rev()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    assert_eq!(
        Membership::verify(WS, &root.public(), &reversed.membership),
        m
    );
}

#[test]
fn reporting_lines_are_signed_and_never_loop() {
    let mut org = Org::new();
    let root = org.root.clone();
    let (maria, _) = org.join("Maria");
    let (ana, _) = org.join("Ana");
    org.report(&ana, &maria);
    assert_eq!(
        org.sign(
            &root,
            Act::SetManager {
                person: maria.clone(),
                manager: Some(ana.clone())
            }
        ),
        Err(MembershipError::Refused(Ignored::ReportingLoop))
    );
    assert_eq!(org.membership().manager_of(&ana), Some(Some(&maria)));
}

#[test]
fn two_devices_merging_statements_in_any_order_agree() {
    let mut org = Org::new();
    let root = org.root.clone();
    let (_, ben_device) = org.join("Ben");
    let before = org.workspace.clone();
    let mut one = before.clone();
    let mut two = before;
    let carl = person(&mut one, "Carl");
    two.people.insert(carl.clone(), one.people[&carl].clone());
    let pinned = root.public();
    one.sign(
        WS,
        &root,
        Some(&pinned),
        Act::Grant {
            person: carl.clone(),
            role: Role::Hr,
        },
        9,
    )
    .expect("grant");
    two.sign(
        WS,
        &ben_device,
        Some(&pinned),
        Act::RemoveDevice {
            device: ben_device.public(),
        },
        9,
    )
    .expect("own device");
    let mut merged_a = one.membership.clone();
    merged_a.extend(two.membership.clone());
    let mut merged_b = two.membership.clone();
    merged_b.extend(one.membership.clone());
    let a = Membership::verify(WS, &pinned, &merged_a);
    let b = Membership::verify(WS, &pinned, &merged_b);
    assert_eq!(a, b);
    assert!(a.has_role(&carl, Role::Hr));
    assert!(a.was_removed(&ben_device.public()));
}

#[test]
fn rights_on_a_review_follow_the_signed_lines_not_the_review_document() {
    let mut org = Org::new();
    let root = org.root.clone();
    let (maria, maria_device) = org.join("Maria");
    let (ana, ana_device) = org.join("Ana");
    let (ben, ben_device) = org.join("Ben");
    let (hana, hana_device) = org.join("Hana");
    org.report(&ana, &maria);
    org.sign(
        &root,
        Act::Grant {
            person: hana.clone(),
            role: Role::Hr,
        },
    )
    .expect("hr");
    let m = org.membership();
    // Ben's modified client names himself Ana's manager in her review document.
    let review = Review::new(ReviewSetup::example(&ana, Some(&ben)));
    let as_ben = Access::of_device(&m, &ben_device.public());
    assert!(as_ben.capacity_on(&review).none());
    assert!(!as_ben.may_see_ratings_of(&ana));
    assert!(!as_ben.may_edit_people() && !as_ben.may_run_cycles());
    let as_maria = Access::of_device(&m, &maria_device.public());
    assert!(as_maria.capacity_on(&review).manager);
    assert!(as_maria.may_see_ratings_of(&ana));
    assert!(!as_maria.may_see_ratings_of(&ben));
    let as_ana = Access::of_device(&m, &ana_device.public());
    let capacity = as_ana.capacity_on(&review);
    assert!(capacity.employee && !capacity.manager && !capacity.hr);
    assert!(
        !as_ana.may_see_ratings_of(&ana),
        "her own ratings come with the shared review, not the cycle"
    );
    let as_hana = Access::of_device(&m, &hana_device.public());
    assert!(as_hana.capacity_on(&review).hr && as_hana.may_run_cycles());
    assert!(!as_hana.may_edit_people());
    let as_admin = Access::of_device(&m, &root.public());
    assert!(as_admin.may_edit_people());
    // A device nobody invited may do nothing.
    let stranger = Access::of_device(&m, &key().public());
    assert!(
        stranger.person().is_none()
            && stranger.capacity_on(&review).none()
            && !stranger.may_see_cycle_overview()
    );
}

#[test]
fn a_sign_off_is_verified_against_the_signer_s_device_and_a_forged_one_shows_as_forged() {
    use throughline::model::review::{SealCheck, Sealer, SignOff, Signature};
    let mut org = Org::new();
    let (maria, maria_device) = org.join("Maria");
    let (_, ben_device) = org.join("Ben");
    let m = org.membership();
    let review_doc = "2DzLZ4RWJPGWxzJkW3TrUkyz6x3J";
    let signed = |by: &PersonId, device: &DeviceSecret| {
        let mut signature = Signature {
            by: by.clone(),
            name: "Maria".to_owned(),
            at: 5,
            heads: vec!["ab".repeat(32)],
            ..Signature::default()
        };
        signature.seal(
            SignOff::Signature,
            &Sealer {
                document: review_doc,
                secret: device,
            },
        );
        signature
    };
    let good = signed(&maria, &maria_device);
    assert_eq!(
        good.check(review_doc, SignOff::Signature, Some(&m)),
        SealCheck::Verified
    );
    // Ben's device signs in Maria's name.
    let forged = signed(&maria, &ben_device);
    assert!(matches!(
        forged.check(review_doc, SignOff::Signature, Some(&m)),
        SealCheck::Forged(_)
    ));
    // Maria's real signature moved to other heads, another review, or the other sign-off.
    let mut moved = good.clone();
    moved.heads = vec!["cd".repeat(32)];
    assert!(matches!(
        moved.check(review_doc, SignOff::Signature, Some(&m)),
        SealCheck::Forged(_)
    ));
    assert!(matches!(
        good.check("3otherReview", SignOff::Signature, Some(&m)),
        SealCheck::Forged(_)
    ));
    assert!(matches!(
        good.check(review_doc, SignOff::Acknowledgement, Some(&m)),
        SealCheck::Forged(_)
    ));
    // Signed before the workspace had members: kept, never shown as verified.
    let older = Signature {
        by: maria,
        ..Signature::default()
    };
    assert_eq!(
        older.check(review_doc, SignOff::Signature, Some(&m)),
        SealCheck::Unsealed
    );
}

#[test]
fn a_workspace_made_by_an_earlier_build_is_claimed_with_its_reporting_lines_and_loses_nothing() {
    let path = format!(
        "{}/tests/fixtures/older/1/workspace.automerge",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc =
        automerge::AutoCommit::load(&std::fs::read(&path).expect("the fixture")).expect("it loads");
    let before: Workspace = autosurgeon::hydrate(&doc).expect("it reads");
    assert!(
        before.root.is_empty() && before.membership.is_empty(),
        "nobody had claimed it"
    );
    let mut workspace = before.clone();
    let founder = workspace
        .people
        .iter()
        .find(|(_, p)| p.manager.is_none())
        .map(|(id, _)| id.clone())
        .expect("someone at the top");
    let device = key();
    workspace
        .claim_as_founder(WS, &device, &founder, 5)
        .expect("the founding device claims it");
    let m = workspace.membership(WS, None).expect("claimed");
    assert!(m.has_role(&founder, Role::Admin) && m.has_role(&founder, Role::Hr));
    let lines = before
        .people
        .values()
        .filter(|p| p.manager.is_some())
        .count();
    assert!(lines > 0, "the fixture has reporting lines");
    for (id, person) in &before.people {
        if let Some(manager) = &person.manager {
            assert_eq!(
                m.manager_of(id),
                Some(Some(manager)),
                "{}'s line is signed",
                person.name
            );
        }
    }
    assert!(m.ignored().is_empty(), "{:?}", m.ignored());
    // Nothing else changed.
    let mut unchanged = workspace.clone();
    unchanged.root.clear();
    unchanged.membership.clear();
    assert_eq!(unchanged, before);
}

#[test]
fn a_plan_approval_is_sealed_by_the_approver_s_device_and_a_forged_one_shows_as_forged() {
    use throughline::model::plan::{Plan, PlanStatus, Role as PlanRole};
    use throughline::model::review::SealCheck;
    let mut org = Org::new();
    let (chair, chair_device) = org.join("Chair");
    let (_, ben_device) = org.join("Ben");
    let m = org.membership();
    let plan_url = "automerge:3HyVQT8gKqYpT4bW3Cy2VAmLhbbe";
    let mut plan = Plan {
        status: PlanStatus::InReview,
        ..Plan::default()
    };
    plan.set_participant(chair.clone(), PlanRole::Board);
    let heads = vec!["ef".repeat(32)];
    let approval = plan
        .approve_sealed(
            &chair,
            "Chair",
            9,
            heads.clone(),
            Some((plan_url, &chair_device)),
            None,
        )
        .expect("the board approves");
    assert_eq!(approval.check(plan_url, Some(&m)), SealCheck::Verified);
    assert_eq!(approval.heads, heads, "the version approved is recorded");
    // Ben's device approving in the chair's name, or the chair's seal on other heads.
    let mut forged = approval.clone();
    forged.seal(plan_url, &ben_device);
    assert!(matches!(
        forged.check(plan_url, Some(&m)),
        SealCheck::Forged(_)
    ));
    let mut moved = approval.clone();
    moved.heads = vec!["01".repeat(32)];
    assert!(matches!(
        moved.check(plan_url, Some(&m)),
        SealCheck::Forged(_)
    ));
    // Approved by an earlier build: kept, never shown as verified.
    let mut older_plan = Plan {
        status: PlanStatus::InReview,
        participants: plan.participants.clone(),
        ..Plan::default()
    };
    let older = older_plan.approve(&chair, "Chair", 1).expect("approves");
    assert_eq!(older.check(plan_url, Some(&m)), SealCheck::Unsealed);
}

#[test]
fn a_withdrawn_invitation_binds_nobody_and_only_an_admin_or_its_maker_withdraws_it() {
    let mut org = Org::new();
    let root = org.root.clone();
    let (ben, ben_device) = org.join("Ben");
    let dan = person(&mut org.workspace, "Dan");
    let invitation = key();
    org.sign(
        &root,
        Act::Invite {
            invitation: invitation.public(),
            person: dan.clone(),
            expires: 7 * DAY,
        },
    )
    .expect("invite");
    assert_eq!(
        org.sign(
            &ben_device,
            Act::Withdraw {
                invitation: invitation.public()
            }
        ),
        Err(MembershipError::Refused(Ignored::NotAnAdmin))
    );
    org.sign(
        &root,
        Act::Withdraw {
            invitation: invitation.public(),
        },
    )
    .expect("withdrawn");
    assert!(org.membership().invitations()[&invitation.public()].withdrawn);
    let device = key();
    assert_eq!(
        org.sign(&device, accept(&invitation, &device)),
        Err(MembershipError::Refused(Ignored::InvitationWithdrawn))
    );
    // Ben withdraws the one he made for his own second device; an accepted one cannot be.
    let own = key();
    org.sign(
        &ben_device,
        Act::Invite {
            invitation: own.public(),
            person: ben.clone(),
            expires: 7 * DAY,
        },
    )
    .expect("own");
    org.sign(
        &ben_device,
        Act::Withdraw {
            invitation: own.public(),
        },
    )
    .expect("his own");
    let (_, cleo_device) = org.join("Cleo");
    let used = org
        .membership()
        .invitations()
        .iter()
        .find(|(_, i)| i.accepted_by == Some(cleo_device.public()))
        .map(|(k, _)| *k)
        .expect("Cleo's invitation");
    assert_eq!(
        org.sign(&root, Act::Withdraw { invitation: used }),
        Err(MembershipError::Refused(Ignored::InvitationUsed))
    );
    assert_eq!(org.membership().person_of(&device.public()), None);
}

#[test]
fn a_device_an_open_invitation_vouches_for_gets_the_workspace_alone_over_a_link() {
    use throughline::sync::LinkRights;
    let mut org = Org::new();
    let root = org.root.clone();
    let workspace_id = throughline::store::DocumentId::random();
    let dan = person(&mut org.workspace, "Dan");
    let invitation = org.invite(&dan, 10_000);
    // Dan's new phone, not a member yet: the workspace document alone, to read and to
    // write (its acceptance goes there), as the relay gives it.
    let phone = key();
    let invited = |org: &Org, device: &DeviceSecret, at: i64| {
        LinkRights::invited(
            &org.membership(),
            &device.public(),
            &invitation.public(),
            workspace_id,
            at,
        )
    };
    let rights = invited(&org, &phone, 5_000);
    assert_eq!(
        rights,
        LinkRights::Only {
            person: dan.clone(),
            holds: [workspace_id].into(),
            reads_only: Default::default(),
            checked: Default::default(),
        }
    );
    // Expired: nothing.
    assert_eq!(invited(&org, &phone, 20_000), LinkRights::Nothing);
    // A key that invites nobody: nothing.
    let made_up = LinkRights::invited(
        &org.membership(),
        &phone.public(),
        &key().public(),
        workspace_id,
        5_000,
    );
    assert_eq!(made_up, LinkRights::Nothing);
    // Once accepted, the invitation vouches for no other device (Dan's phone is a member
    // and has the rights of a member from then on).
    org.sign(&phone, accept(&invitation, &phone))
        .expect("accept");
    assert_eq!(invited(&org, &key(), 5_000), LinkRights::Nothing);
    // Withdrawn before anyone accepted it: nothing.
    let eve = person(&mut org.workspace, "Eve");
    let second = org.invite(&eve, 10_000);
    org.sign(
        &root,
        Act::Withdraw {
            invitation: second.public(),
        },
    )
    .expect("withdraw");
    let eves_phone = key();
    assert_eq!(
        LinkRights::invited(
            &org.membership(),
            &eves_phone.public(),
            &second.public(),
            workspace_id,
            5_000,
        ),
        LinkRights::Nothing
    );
}

#[test]
fn what_a_device_may_hold_and_change_is_the_same_on_every_device_at_the_relay_and_on_a_link() {
    use throughline::model::listing::{Listed, Listing};
    use throughline::model::review::{CheckInEntry, ManagerSide, ReviewCycle};
    use throughline::model::{DocumentId, DocumentUrl, ItemId};
    use throughline::sync::link_scope::scope_of;
    use throughline::sync::pairing::Shares;
    use throughline::sync::{LinkRights, Scope};

    let mut org = Org::new();
    let root = org.root.clone();
    let (maria, maria_device) = org.join("Maria");
    let (ana, ana_device) = org.join("Ana");
    let (ben, ben_device) = org.join("Ben");
    let (_, skip_device) = org.join("Sam");
    let sam = org
        .membership()
        .person_of(&skip_device.public())
        .cloned()
        .expect("Sam");
    for (person, manager) in [(&ana, &maria), (&ben, &maria), (&maria, &sam)] {
        org.report(person, manager);
    }
    let (ana_review, ben_review, series, plan) = (
        DocumentId::random(),
        DocumentId::random(),
        DocumentId::random(),
        DocumentId::random(),
    );
    let mut cycle = ReviewCycle::default();
    cycle
        .reviews
        .insert(ana.clone(), DocumentUrl::from(ana_review));
    cycle
        .reviews
        .insert(ben.clone(), DocumentUrl::from(ben_review));
    org.workspace.cycles.insert(ItemId::random(), cycle);
    org.workspace.check_ins.insert(
        DocumentUrl::from(series),
        CheckInEntry {
            manager: maria.clone(),
            employee: ana.clone(),
        },
    );
    org.workspace
        .plans
        .insert(DocumentUrl::from(plan), Default::default());
    let listing = Listing::of(&org.workspace);
    assert!(
        matches!(listing.get(&ana_review), Some(Listed::Review { employee, .. }) if *employee == ana)
    );
    let m = org.membership();
    let access = |device: &DeviceSecret| Access::of_device(&m, &device.public());

    // Ana: her review, her series, the plan; not Ben's review.
    let as_ana = access(&ana_device);
    let holds = |a: &Access, d: &DocumentId| listing.get(d).is_some_and(|l| a.may_hold(l));
    assert!(holds(&as_ana, &ana_review) && holds(&as_ana, &series) && holds(&as_ana, &plan));
    assert!(!holds(&as_ana, &ben_review));
    // Maria changes both reviews; Sam, further up, reads them and changes neither.
    let as_maria = access(&maria_device);
    let as_sam = access(&skip_device);
    for review in [&ana_review, &ben_review] {
        let listed = listing.get(review).expect("listed");
        assert!(as_maria.may_change(listed));
        assert!(as_sam.may_hold(listed) && !as_sam.may_change(listed));
    }
    assert!(!holds(&as_sam, &series), "a series is its pair's only");

    // On a direct link to Ana's device, a whole-workspace pairing carries exactly that.
    let workspace_id = DocumentId::random();
    let rights = LinkRights::of(&as_ana, workspace_id, &listing);
    assert_eq!(
        scope_of(&Shares::Workspace, rights.clone()),
        Scope::Only([workspace_id, ana_review, series, plan].into())
    );
    // A link to Sam's device carries both reviews, and takes no changes to them from it;
    // one to Maria's takes hers.
    let sam_reads_only = LinkRights::of(&as_sam, workspace_id, &listing).reads_only();
    let sides = [ana_review, ben_review].map(ManagerSide::document_of);
    // (The plan too: neither is among its participants.)
    assert_eq!(
        sam_reads_only,
        [ana_review, ben_review, sides[0], sides[1], plan].into()
    );
    // The manager's side of Ana's review, listed with it: Maria's and Sam's, never Ana's.
    let side = listing.get(&sides[0]).expect("listed with the review");
    assert_eq!(
        side,
        &Listed::ManagerSide {
            employee: ana.clone()
        }
    );
    assert!(!as_ana.may_hold(side));
    assert!(as_maria.may_change(side));
    assert!(as_sam.may_hold(side) && !as_sam.may_change(side));
    assert_eq!(
        LinkRights::of(&as_maria, workspace_id, &listing).reads_only(),
        [plan].into()
    );
    // What Ana's device sends of her review is checked part by part as hers (its
    // employee's), and what Maria's sends of both reviews as their manager's; what
    // either sends of their check-ins, as one of the pair listed.
    let employee = PartWriter::Review(Capacity::EMPLOYEE);
    let manager = PartWriter::Review(Capacity::MANAGER);
    let pair = PartWriter::CheckIn {
        manager: maria.clone(),
        employee: ana.clone(),
    };
    assert_eq!(
        rights.checked(),
        [(ana_review, employee), (series, pair.clone())].into()
    );
    assert_eq!(
        LinkRights::of(&as_maria, workspace_id, &listing).checked(),
        [
            (ana_review, manager.clone()),
            (ben_review, manager),
            (series, pair)
        ]
        .into()
    );
    // A pairing that names Ben's review carries nothing of it to her.
    assert_eq!(
        scope_of(&Shares::Documents(vec![ben_review, plan]), rights),
        Scope::Only([plan].into())
    );
    // A device that is not a member, or was removed, gets nothing; with no rules yet,
    // what is shared.
    let stranger = Access::of_device(&m, &key().public());
    assert_eq!(
        LinkRights::of(&stranger, workspace_id, &listing),
        LinkRights::Nothing
    );
    org.sign(
        &root,
        Act::RemoveDevice {
            device: ben_device.public(),
        },
    )
    .expect("remove");
    let m = org.membership();
    let as_removed = Access::of_device(&m, &ben_device.public());
    assert_eq!(
        LinkRights::of(&as_removed, workspace_id, &listing),
        LinkRights::Nothing
    );
    assert_eq!(
        LinkRights::of(&Access::unclaimed(None), workspace_id, &listing),
        LinkRights::Everything
    );
}

#[test]
fn a_statement_deleted_from_the_document_still_counts_where_it_was_kept_and_is_written_back() {
    use throughline::model::identity::KeptStatements;
    let mut org = Org::new();
    let root = org.root.clone();
    let (_, ana_device) = org.join("Ana");
    let removal = org
        .sign(
            &root,
            Act::RemoveDevice {
                device: ana_device.public(),
            },
        )
        .expect("remove");
    // A forged statement in the document is not kept.
    let forged = org.force(
        &key(),
        Act::Grant {
            person: org.admin.clone(),
            role: Role::Hr,
        },
        5,
    );
    let mut kept = KeptStatements::default();
    assert!(kept.keep_counted(&org.workspace.membership, &org.membership()));
    assert!(kept.iter().any(|(h, _)| *h == removal));
    assert!(
        !kept.iter().any(|(h, _)| *h == forged),
        "what does not count is not kept"
    );
    assert!(
        !kept.keep_counted(&org.workspace.membership, &org.membership()),
        "nothing new"
    );

    // A member's modified client deletes the removal from the document.
    org.workspace.membership.remove(&removal);
    assert!(
        !org.membership().was_removed(&ana_device.public()),
        "from the document alone, Ana's device is back"
    );
    let rootkey: DeviceKey = org.workspace.root.parse().unwrap();
    let merged = kept.merged(&org.workspace.membership);
    let from_kept = Membership::verify(WS, &rootkey, &merged);
    assert!(
        from_kept.was_removed(&ana_device.public()),
        "where it was kept, it still counts"
    );
    let missing = kept.missing_from(&org.workspace.membership);
    assert_eq!(
        missing.keys().collect::<Vec<_>>(),
        vec![&removal],
        "and it is written back"
    );

    // Or it puts the removal back with another signature in its place (the statement is
    // the same, so it sits under the same hash): from the document alone the removal is
    // ignored as badly signed; where it was kept, the kept one counts and is written back.
    let kept_removal = kept
        .iter()
        .find(|(h, _)| **h == removal)
        .map(|(_, s)| s.clone())
        .expect("kept");
    let mut altered = kept_removal.clone();
    let (_, other) = org.membership().sign(
        WS,
        &root,
        Act::Withdraw {
            invitation: key().public(),
        },
        6,
    );
    altered.signature = other.signature;
    org.workspace
        .membership
        .insert(removal.clone(), altered.clone());
    assert!(!org.membership().was_removed(&ana_device.public()));
    let from_kept = Membership::verify(WS, &rootkey, &kept.merged(&org.workspace.membership));
    assert!(
        from_kept.was_removed(&ana_device.public()),
        "the kept signature wins under its hash"
    );
    assert_eq!(
        kept.missing_from(&org.workspace.membership)
            .get(&removal)
            .map(|s| &s.signature),
        Some(&kept_removal.signature),
        "and the kept one is written back over the altered one"
    );

    // A device keeps only the statements of the workspace it has.
    assert_eq!(kept.of_workspace(WS).len(), kept.len());
    assert!(kept.of_workspace("another workspace").is_empty());
}

#[test]
fn asked_feedback_is_held_by_its_writer_the_managers_and_hr_never_by_the_employee() {
    use throughline::model::listing::{Listed, Listing};
    use throughline::model::review::{FeedbackRequest, ReviewCycle};
    use throughline::model::{DocumentId, DocumentUrl, ItemId};

    let mut org = Org::new();
    let root = org.root.clone();
    let (maria, maria_device) = org.join("Maria");
    let (ana, ana_device) = org.join("Ana");
    let (ben, ben_device) = org.join("Ben");
    let (hana, hana_device) = org.join("Hana");
    let (_, cy_device) = org.join("Cy");
    for (person, manager) in [(&ana, &maria), (&ben, &maria)] {
        org.report(person, manager);
    }
    org.sign(
        &root,
        Act::Grant {
            person: hana.clone(),
            role: Role::Hr,
        },
    )
    .expect("HR");
    let (ana_review, feedback) = (DocumentId::random(), DocumentId::random());
    let mut cycle = ReviewCycle::default();
    cycle
        .reviews
        .insert(ana.clone(), DocumentUrl::from(ana_review));
    org.workspace.cycles.insert(ItemId::random(), cycle);
    let request = |peer: &PersonId, document: Option<DocumentId>| FeedbackRequest {
        review: DocumentUrl::from(ana_review),
        peer: peer.clone(),
        employee: ana.clone(),
        requested_at: 1,
        document: document.map(DocumentUrl::from),
    };
    org.workspace
        .list_feedback_request(ItemId::random(), request(&ben, Some(feedback)));
    let m = org.membership();
    let access = |device: &DeviceSecret| Access::of_device(&m, &device.public());
    let listing = Listing::of(&org.workspace);
    let listed = listing.get(&feedback).expect("listed").clone();
    assert_eq!(
        listed,
        Listed::AskedFeedback {
            employee: ana.clone(),
            writer: Some(ben.clone()),
        }
    );
    let review = listing.get(&ana_review).expect("listed").clone();

    // Ben writes it and holds nothing of Ana's review; Maria and HR read and change it;
    // Ana never holds it, nor does a colleague who was not asked.
    let (as_ben, as_ana) = (access(&ben_device), access(&ana_device));
    assert!(as_ben.may_hold(&listed) && as_ben.may_change(&listed));
    assert!(
        !as_ben.may_hold(&review),
        "asked for feedback, not given the review"
    );
    for manager_or_hr in [&maria_device, &hana_device] {
        let as_them = access(manager_or_hr);
        assert!(as_them.may_hold(&listed) && as_them.may_change(&listed));
    }
    assert!(!as_ana.may_hold(&listed), "the employee never holds it");
    // Nor the manager's side of her review; and one in HR not that of her own.
    let hana_review = DocumentId::random();
    let mut cycle = ReviewCycle::default();
    cycle
        .reviews
        .insert(hana.clone(), DocumentUrl::from(hana_review));
    let mut with_hana = org.workspace.clone();
    with_hana.cycles.insert(ItemId::random(), cycle);
    let sides = Listing::of(&with_hana);
    let side = |review| {
        sides
            .get(&throughline::model::review::ManagerSide::document_of(
                review,
            ))
            .expect("listed")
            .clone()
    };
    assert!(!as_ana.may_hold(&side(ana_review)));
    assert!(access(&hana_device).may_change(&side(ana_review)));
    assert!(!access(&hana_device).may_hold(&side(hana_review)));
    assert!(access(&hana_device).may_hold(&sides.get(&hana_review).expect("listed").clone()));
    assert!(!access(&cy_device).may_hold(&listed));

    // A modified client lists a request of its own naming Ben's document: the document is
    // then nobody's to write, and Cy still gets nothing of it.
    let cy = m
        .person_of(&cy_device.public())
        .cloned()
        .expect("Cy is a member");
    org.workspace
        .list_feedback_request(ItemId::random(), request(&cy, Some(feedback)));
    let listing = Listing::of(&org.workspace);
    let contested = listing.get(&feedback).expect("listed");
    assert!(!access(&cy_device).may_hold(contested));
    assert!(!access(&ben_device).may_hold(contested));
    assert!(access(&maria_device).may_hold(contested));
    // A request listed by an earlier version (no document) gives the colleague nothing.
    org.workspace
        .list_feedback_request(ItemId::random(), request(&cy, None));
    let listing = Listing::of(&org.workspace);
    assert!(!access(&cy_device).may_hold(listing.get(&ana_review).expect("listed")));
    // Nor does a request naming the review itself give the review to the one "asked": the
    // review, listed as two things, is held only by whom both allow (Maria and HR).
    org.workspace
        .list_feedback_request(ItemId::random(), request(&cy, Some(ana_review)));
    let listing = Listing::of(&org.workspace);
    let contested = listing.get(&ana_review).expect("listed");
    assert!(matches!(contested, Listed::Contested(_)));
    assert!(!access(&cy_device).may_hold(contested));
    assert!(access(&maria_device).may_change(contested));
    assert!(access(&hana_device).may_change(contested));
}

#[test]
fn a_document_listed_as_two_things_is_held_only_by_whom_both_allow() {
    use throughline::model::listing::{Listed, Listing};
    use throughline::model::review::{CheckInEntry, FeedbackRequest, ReviewCycle};
    use throughline::model::{DocumentId, DocumentUrl, ItemId};
    use throughline::sync::LinkRights;

    // The workspace document is written by every member, so a modified client can list
    // anything. Ben (Ana's colleague) lists Ana's review as his own in a cycle of his
    // making, her feedback document as his review, and her check-in series as his plan.
    let mut org = Org::new();
    let (maria, maria_device) = org.join("Maria");
    let (ana, ana_device) = org.join("Ana");
    let (ben, ben_device) = org.join("Ben");
    for person in [&ana, &ben] {
        org.report(person, &maria);
    }
    let (ana_review, feedback, series) = (
        DocumentId::random(),
        DocumentId::random(),
        DocumentId::random(),
    );
    let mut cycle = ReviewCycle::default();
    cycle
        .reviews
        .insert(ana.clone(), DocumentUrl::from(ana_review));
    org.workspace.cycles.insert(ItemId::random(), cycle);
    org.workspace.list_feedback_request(
        ItemId::random(),
        FeedbackRequest {
            review: DocumentUrl::from(ana_review),
            peer: maria.clone(),
            employee: ana.clone(),
            requested_at: 1,
            document: Some(DocumentUrl::from(feedback)),
        },
    );
    org.workspace.check_ins.insert(
        DocumentUrl::from(series),
        CheckInEntry {
            manager: maria.clone(),
            employee: ana.clone(),
        },
    );
    let m = org.membership();
    let access = |device: &DeviceSecret| Access::of_device(&m, &device.public());
    let holds = |listing: &Listing, device: &DeviceSecret, document: &DocumentId| {
        listing
            .get(document)
            .is_some_and(|listed| access(device).may_hold(listed))
    };
    let honest = Listing::of(&org.workspace);
    assert!(!holds(&honest, &ben_device, &ana_review));
    assert!(holds(&honest, &ana_device, &ana_review));

    let mut forged = ReviewCycle::default();
    forged
        .reviews
        .insert(ben.clone(), DocumentUrl::from(ana_review));
    org.workspace.cycles.insert(ItemId::random(), forged);
    let mut forged = ReviewCycle::default();
    forged
        .reviews
        .insert(ben.clone(), DocumentUrl::from(feedback));
    org.workspace.cycles.insert(ItemId::random(), forged);
    org.workspace
        .plans
        .insert(DocumentUrl::from(series), Default::default());
    let listing = Listing::of(&org.workspace);
    for document in [&ana_review, &feedback, &series] {
        assert!(matches!(listing.get(document), Some(Listed::Contested(_))));
        assert!(
            !holds(&listing, &ben_device, document),
            "a forged entry gives Ben nothing"
        );
        assert!(
            !access(&ben_device).may_change(listing.get(document).expect("listed")),
            "nor a right to write"
        );
    }
    // The forger can hide a document from its people (Ana no longer holds her review, and
    // nobody but the pair her series), never reveal it; Maria, who manages both, keeps
    // what both entries allow her.
    assert!(!holds(&listing, &ana_device, &ana_review));
    assert!(holds(&listing, &maria_device, &ana_review));
    assert!(holds(&listing, &maria_device, &feedback));
    // The same on a direct link to Ben's device.
    let rights = LinkRights::of(&access(&ben_device), DocumentId::random(), &listing);
    let LinkRights::Only { holds: carried, .. } = rights else {
        panic!("Ben is a member: {rights:?}");
    };
    for document in [&ana_review, &feedback, &series] {
        assert!(!carried.contains(document));
    }
}

#[test]
fn who_may_approve_a_plan_is_what_an_admin_signed_not_what_the_plan_says() {
    use throughline::model::plan::{Plan, PlanError, PlanStatus, Role as PlanRole};
    let mut org = Org::new();
    let root = org.root.clone();
    let (chair, chair_device) = org.join("Chair");
    let (ben, ben_device) = org.join("Ben");
    let plan_url = "automerge:3HyVQT8gKqYpT4bW3Cy2VAmLhbbe";
    let other_plan = "automerge:2HyVQT8gKqYpT4bW3Cy2VAmLhbbe";
    let role = |person: &PersonId, role: Option<PlanRole>| Act::SetPlanRole {
        plan: plan_url.to_owned(),
        person: person.clone(),
        role,
    };
    org.sign(&root, role(&chair, Some(PlanRole::Board)))
        .expect("an admin signs the chair onto the board");
    // Ben signs himself onto the board: ignored, and shown as such.
    let forged = org.force(&ben_device, role(&ben, Some(PlanRole::Board)), 2_000);
    assert_eq!(org.reason(&forged), Some(Ignored::NotAnAdmin));
    let m = org.membership();
    assert_eq!(
        m.plan_roles(plan_url),
        [(chair.clone(), PlanRole::Board)].into()
    );
    assert!(m.plan_roles(other_plan).is_empty(), "roles are per plan");

    // Ben also wrote himself into the plan document as its board: it counts for nothing
    // once the workspace has members; it counts while it has none.
    let mut plan = Plan {
        status: PlanStatus::InReview,
        ..Plan::default()
    };
    plan.set_participant(ben.clone(), PlanRole::Board);
    let signed = m.plan_roles(plan_url);
    assert_eq!(
        plan.can_approve_under(Some(&ben), Some(&signed)),
        Err(PlanError::NotAParticipant)
    );
    assert_eq!(
        plan.approve_sealed(
            &ben,
            "Ben",
            1,
            Vec::new(),
            Some((plan_url, &ben_device)),
            Some(&signed)
        ),
        Err(PlanError::NotAParticipant)
    );
    assert_eq!(plan.can_approve(Some(&ben)), Ok(PlanRole::Board));
    assert_eq!(
        plan.can_approve_under(Some(&chair), Some(&signed)),
        Ok(PlanRole::Board),
        "the chair approves though the plan document does not list them"
    );
    let approval = plan
        .approve_sealed(
            &chair,
            "Chair",
            3,
            Vec::new(),
            Some((plan_url, &chair_device)),
            Some(&signed),
        )
        .expect("the chair approves");
    assert_eq!(approval.role, PlanRole::Board);
    assert!(m.ever_approver(plan_url, &chair));
    assert!(!m.ever_approver(plan_url, &ben));

    // Taken off the board later: no longer approves, but their approval stays one.
    org.sign(&root, role(&chair, None))
        .expect("an admin takes the role");
    let m = org.membership();
    assert!(m.plan_roles(plan_url).is_empty());
    assert!(m.ever_approver(plan_url, &chair));
}

#[test]
fn feedback_given_during_the_year_is_held_by_its_giver_whom_it_is_for_their_managers_and_hr() {
    use throughline::model::listing::{Listed, Listing};
    use throughline::model::review::Feedback;
    use throughline::model::DocumentId;

    let mut org = Org::new();
    let root = org.root.clone();
    let (maria, maria_device) = org.join("Maria");
    let (ana, ana_device) = org.join("Ana");
    let (_, ben_device) = org.join("Ben");
    let (cy, cy_device) = org.join("Cy");
    let (hana, hana_device) = org.join("Hana");
    org.report(&ana, &maria);
    org.sign(
        &root,
        Act::Grant {
            person: hana,
            role: Role::Hr,
        },
    )
    .expect("HR");
    let given = DocumentId::random();
    org.workspace.list_given_feedback(
        given,
        &Feedback {
            to: ana.clone(),
            from: cy.clone(),
            text: "Thank you".into(),
            ..Feedback::default()
        },
    );
    let m = org.membership();
    let access = |device: &DeviceSecret| Access::of_device(&m, &device.public());
    let listing = Listing::of(&org.workspace);
    let listed = listing.get(&given).expect("listed");
    assert_eq!(
        listed,
        &Listed::GivenFeedback {
            to: ana.clone(),
            from: cy.clone()
        }
    );
    // Cy wrote it and may change it; Ana, Maria and HR read it; Ben, another member (and
    // the admin, not in HR), holds nothing of it.
    assert!(access(&cy_device).may_change(listed));
    assert!(!access(&root).may_hold(listed));
    for reader in [&ana_device, &maria_device, &hana_device] {
        assert!(access(reader).may_hold(listed) && !access(reader).may_change(listed));
    }
    assert!(!access(&ben_device).may_hold(listed));
    // Once Cy is removed, Cy's device holds it no more.
    org.sign(
        &root,
        Act::RemoveDevice {
            device: cy_device.public(),
        },
    )
    .expect("remove");
    let m = org.membership();
    assert!(!Access::of_device(&m, &cy_device.public()).may_hold(listed));
}

#[test]
fn feedback_is_sealed_by_its_giver_s_device_and_one_in_another_s_name_shows_as_forged() {
    use throughline::model::review::{Feedback, SealCheck};
    let mut org = Org::new();
    let (ana, ana_device) = org.join("Ana");
    let (ben, _) = org.join("Ben");
    let (cy, cy_device) = org.join("Cy");
    let m = org.membership();
    let document = "automerge:2YB8yCYfirKuQBegjK9TsTXCDmVs";
    let mut praise = Feedback {
        to: ana.clone(),
        from: cy.clone(),
        praise: true,
        text: "Thank you for the launch".into(),
        given_at: 1,
        ..Feedback::default()
    };
    assert_eq!(praise.check(document, Some(&m)), SealCheck::Unsealed);
    praise.seal(document, &cy_device);
    assert_eq!(praise.check(document, Some(&m)), SealCheck::Verified);

    // Altered after sealing, named as another's, moved to another document, or sealed by
    // a device that is not the giver's: forged, every one.
    let mut altered = praise.clone();
    altered.text = "You missed the launch".into();
    let mut renamed = praise.clone();
    renamed.from = ben;
    let mut by_ana = praise.clone();
    by_ana.seal(document, &ana_device);
    for forged in [altered, renamed, by_ana] {
        assert!(matches!(
            forged.check(document, Some(&m)),
            SealCheck::Forged(_)
        ));
    }
    assert!(matches!(
        praise.check("automerge:1Bhh3pU9gLXZiNDL6PEa1Gs9fh", Some(&m)),
        SealCheck::Forged(_)
    ));
}

#[test]
fn a_thousand_person_workspace_is_claimed_with_every_line_signed_as_one_at_a_time_would() {
    use throughline::model::PersonDetails;
    // Claiming signs every reporting line; one at a time worked the rules out twice per
    // line, minutes in the browser for a thousand people. They are signed as one batch now.
    let mut workspace = Workspace::new("Large Co");
    let ids: Vec<PersonId> = (0..1000)
        .map(|i| PersonId::from(format!("p{i:04}").as_str()))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let details = PersonDetails {
            name: format!("Person {i:04}"),
            manager: (i > 0).then(|| ids[(i - 1) / 10].clone()),
            ..Default::default()
        };
        workspace.add_person(id.clone(), details).unwrap();
    }
    // Two lines that make a loop (edits on two devices can leave one): the first in order
    // is signed and the second refused, as signing one at a time did.
    let (a, b) = (PersonId::from("loop-a"), PersonId::from("loop-b"));
    for id in [&a, &b] {
        let details = PersonDetails {
            name: id.as_str().to_owned(),
            ..Default::default()
        };
        workspace.add_person(id.clone(), details).unwrap();
    }
    workspace.people.get_mut(&a).unwrap().manager = Some(b.clone());
    workspace.people.get_mut(&b).unwrap().manager = Some(a.clone());
    let device = key();
    workspace
        .claim_as_founder(WS, &device, &ids[0], 5)
        .expect("the founding device claims it");
    let m = workspace.membership(WS, None).expect("claimed");
    assert!(m.has_role(&ids[0], Role::Admin) && m.has_role(&ids[0], Role::Hr));
    for (i, id) in ids.iter().enumerate().skip(1) {
        assert_eq!(m.manager_of(id), Some(Some(&ids[(i - 1) / 10])), "line {i}");
    }
    assert_eq!(m.manager_of(&a), Some(Some(&b)));
    assert_ne!(
        m.manager_of(&b),
        Some(Some(&a)),
        "the loop's second line is refused"
    );
    assert!(
        m.ignored().is_empty(),
        "a refused line is not kept: {:?}",
        m.ignored()
    );
    // The founding, HR, 999 lines and the loop's first.
    assert_eq!(workspace.membership.len(), 1 + 1 + 999 + 1);
}

#[test]
fn a_plan_is_read_by_every_member_and_changed_by_its_signed_participants_and_the_admins() {
    use throughline::model::listing::{Listed, Listing};
    use throughline::model::plan::Role as PlanRole;
    use throughline::model::{DocumentId, DocumentUrl};
    use throughline::sync::LinkRights;

    let mut org = Org::new();
    let root = org.root.clone();
    let (ben, ben_device) = org.join("Ben");
    let (chen, chen_device) = org.join("Chen");
    let (plan, other) = (DocumentId::random(), DocumentId::random());
    for id in [plan, other] {
        org.workspace
            .plans
            .insert(DocumentUrl::from(id), Default::default());
    }
    let listing = Listing::of(&org.workspace);
    assert_eq!(listing.get(&plan), Some(&Listed::Plan { plan }));
    let role = |person: &PersonId, role: Option<PlanRole>| Act::SetPlanRole {
        plan: plan.url(),
        person: person.clone(),
        role,
    };
    let access =
        |org: &Org, device: &DeviceSecret| Access::of_device(&org.membership(), &device.public());

    // Before anyone is signed onto it: every member reads it, only the admins change it
    // or start plans.
    for device in [&ben_device, &chen_device] {
        let member = access(&org, device);
        assert!(member.may_hold(&Listed::Plan { plan }));
        assert!(!member.may_change_plan(plan));
        assert!(!member.may_start_plans());
    }
    let admin = access(&org, &root);
    assert!(admin.may_change_plan(plan) && admin.may_change_plan(other));
    assert!(admin.may_start_plans());

    // Ben signs himself on: ignored, and he still only reads.
    let forged = org.force(&ben_device, role(&ben, Some(PlanRole::Contributor)), 2_000);
    assert_eq!(org.reason(&forged), Some(Ignored::NotAnAdmin));
    assert!(!access(&org, &ben_device).may_change_plan(plan));

    // An admin signs Ben on as a contributor and Chen onto the board: both change this
    // plan (in any role), not the other one, and still start none.
    org.sign(&root, role(&ben, Some(PlanRole::Contributor)))
        .expect("an admin signs a contributor");
    org.sign(&root, role(&chen, Some(PlanRole::Board)))
        .expect("an admin signs a board member");
    for device in [&ben_device, &chen_device] {
        let participant = access(&org, device);
        assert!(participant.may_change_plan(plan));
        assert!(!participant.may_change_plan(other));
        assert!(!participant.may_start_plans());
    }
    // On a direct link, Ben's device is taken changes to this plan only.
    let workspace_id = DocumentId::random();
    assert_eq!(
        LinkRights::of(&access(&org, &ben_device), workspace_id, &listing).reads_only(),
        [other].into()
    );

    // Taken off the plan, or removed from the workspace: reads (or holds) no more than that.
    org.sign(&root, role(&ben, None))
        .expect("an admin takes the role");
    assert!(!access(&org, &ben_device).may_change_plan(plan));
    org.sign(
        &root,
        Act::RemoveDevice {
            device: chen_device.public(),
        },
    )
    .expect("remove");
    let removed = access(&org, &chen_device);
    assert!(!removed.may_hold(&Listed::Plan { plan }));
    assert!(!removed.may_change_plan(plan));

    // With no rules yet (nobody claimed the workspace), whoever sets it up does anything.
    let setup = Access::unclaimed(None);
    assert!(setup.may_change_plan(plan) && setup.may_start_plans());
}

#[test]
fn statements_this_device_kept_are_not_checked_again_at_start_and_the_rest_still_are() {
    use throughline::model::identity::{CheckedStatements, KeptStatements};
    let mut org = Org::new();
    let root = org.root.clone();
    let (ben, ben_device) = org.join("Ben");
    let (_, cy_device) = org.join("Cy");
    org.report(&ben, &org.admin.clone());
    let checked_fully = org.membership();
    let mut kept = KeptStatements::default();
    assert!(kept.keep_counted(&org.workspace.membership, &checked_fully));

    // Starting from what this device kept gives the membership that checking every
    // signature again gives.
    let pinned = root.public();
    let again = Membership::verify_with(
        WS,
        &pinned,
        &org.workspace.membership,
        &mut CheckedStatements::trusting(&kept),
    );
    assert_eq!(again, checked_fully);

    // A statement this device never kept is still checked: one whose signature is not its
    // signer's (Ben's signature over another statement) is ignored as such.
    let (_, other) = checked_fully.sign(
        WS,
        &ben_device,
        Act::Withdraw {
            invitation: key().public(),
        },
        3_000,
    );
    let (hash, mut forged) = checked_fully.sign(
        WS,
        &cy_device,
        Act::SetManager {
            person: ben.clone(),
            manager: None,
        },
        3_000,
    );
    forged.signature = other.signature;
    org.workspace
        .membership
        .insert(hash.as_str().to_owned(), forged);
    let with_forged = Membership::verify_with(
        WS,
        &pinned,
        &org.workspace.membership,
        &mut CheckedStatements::trusting(&kept),
    );
    assert_eq!(
        with_forged
            .ignored()
            .iter()
            .find(|i| i.hash == hash)
            .map(|i| i.reason),
        Some(Ignored::BadSignature)
    );
    assert_eq!(
        with_forged.reporting_lines(),
        checked_fully.reporting_lines()
    );

    // A kept statement rewritten in the document (its payload changed) is a statement
    // under another hash: checked, and ignored.
    let mut tampered = org.workspace.clone();
    let (key_of_line, line) = tampered
        .membership
        .iter()
        .find(|(_, s)| s.payload.contains("SetManager") || s.payload.contains("set-manager"))
        .map(|(k, s)| (k.clone(), s.clone()))
        .expect("a reporting line");
    let mut rewritten = line.clone();
    rewritten.payload = rewritten.payload.replacen("\"at\":", "\"at\":1", 1);
    assert_ne!(rewritten.payload, line.payload);
    tampered.membership.remove(&key_of_line);
    tampered
        .membership
        .insert(rewritten.hash().as_str().to_owned(), rewritten.clone());
    let from_tampered = Membership::verify_with(
        WS,
        &pinned,
        &tampered.membership,
        &mut CheckedStatements::trusting(&kept),
    );
    assert!(from_tampered
        .ignored()
        .iter()
        .any(|i| i.hash == rewritten.hash() && i.reason == Ignored::BadSignature));
}

#[test]
fn a_plan_that_says_approved_without_an_approval_that_holds_is_shown_so() {
    use throughline::model::plan::{Approval, Plan, PlanStatus, Role as PlanRole};
    use throughline::model::ItemId;
    let mut org = Org::new();
    let root = org.root.clone();
    let (chair, chair_device) = org.join("Chair");
    let (ben, ben_device) = org.join("Ben");
    let plan_url = "automerge:3HyVQT8gKqYpT4bW3Cy2VAmLhbbe";
    for (person, role) in [(&chair, PlanRole::Board), (&ben, PlanRole::Contributor)] {
        org.sign(
            &root,
            Act::SetPlanRole {
                plan: plan_url.to_owned(),
                person: person.clone(),
                role: Some(role),
            },
        )
        .expect("an admin signs a plan role");
    }
    let m = org.membership();

    // Ben, a contributor, sets the status by hand (a modified client may write it).
    let mut plan = Plan {
        status: PlanStatus::Approved,
        ..Plan::default()
    };
    assert!(!plan.approval_holds(plan_url, Some(&m)));
    assert!(
        plan.approval_holds(plan_url, None),
        "with no members yet, a plan is what it says"
    );
    // He adds an unsealed approval in the chair's name: not verifiable, so it holds nothing.
    plan.approvals.insert(
        ItemId::random(),
        Approval {
            person: chair.clone(),
            name: "Chair".into(),
            role: PlanRole::Board,
            at: 1,
            ..Approval::default()
        },
    );
    assert!(!plan.approval_holds(plan_url, Some(&m)));
    // He seals one with his own device in his own name: he was never on the board.
    let mut by_ben = Approval {
        person: ben.clone(),
        name: "Ben".into(),
        role: PlanRole::Board,
        at: 2,
        ..Approval::default()
    };
    by_ben.seal(plan_url, &ben_device);
    plan.approvals.insert(ItemId::random(), by_ben);
    assert!(!plan.approval_holds(plan_url, Some(&m)));

    // The chair's own approval holds; a plan not approved has nothing to hold.
    let mut approved = Plan {
        status: PlanStatus::InReview,
        ..Plan::default()
    };
    approved
        .approve_sealed(
            &chair,
            "Chair",
            3,
            Vec::new(),
            Some((plan_url, &chair_device)),
            Some(&m.plan_roles(plan_url)),
        )
        .expect("the chair approves");
    assert!(approved.approval_holds(plan_url, Some(&m)));
    assert!(Plan::default().approval_holds(plan_url, Some(&m)));
}
