//! The cost of working out who may do what when a 1,000-person workspace opens: the
//! membership verified from its signed statements (one founding, 999 invitations, 999
//! acceptances, 999 reporting lines, a few roles), then one device's rights. Printed as
//! figures by `cargo xtask bench`; run alone with
//! `cargo run --release --example membership_bench [people] [runs]`.

use std::time::Instant;

use throughline::model::access::Access;
use throughline::model::identity::{
    acceptance_message, Act, CheckedStatements, DeviceSecret, Membership, Purpose, Role,
    SignedStatement, Statement, StatementHash,
};
use throughline::model::{PersonId, Workspace};

const WORKSPACE: &str = "automerge:4NMNnkZUkSjKcvqXxC7jCHcdYRLs";

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let people: usize = args
        .next()
        .map_or(Ok(1_000), |a| a.parse())
        .map_err(|e| format!("people: {e}"))?;
    let runs: usize = args
        .next()
        .map_or(Ok(7), |a| a.parse())
        .map_err(|e| format!("runs: {e}"))?;
    let root = DeviceSecret::generate().map_err(|e| e.to_string())?;
    let mut workspace = Workspace::default();
    let ids: Vec<PersonId> = (0..people).map(|_| PersonId::random()).collect();
    for id in &ids {
        workspace.people.insert(id.clone(), Default::default());
    }
    workspace
        .claim(WORKSPACE, &root, &ids[0], 0)
        .map_err(|e| e.to_string())?;
    // Statements are signed against the membership as it grows; building it the model's
    // way (re-verifying each time) would take minutes, so heads are kept by hand here:
    // each statement follows the one before, as one admin's device would make them.
    let mut last: Vec<StatementHash> = workspace.membership.values().map(|s| s.hash()).collect();
    let mut devices = vec![root.public()];
    let mut sign = |workspace: &mut Workspace, _: &mut (), by: &DeviceSecret, act: Act| {
        let statement = Statement {
            workspace: WORKSPACE.to_owned(),
            by: by.public(),
            parents: std::mem::take(&mut last),
            at: 1,
            act,
        };
        let (hash, signed) = SignedStatement::sign(&statement, by);
        workspace
            .membership
            .insert(hash.as_str().to_owned(), signed);
        last = vec![hash];
    };
    let mut membership = ();
    for (n, id) in ids.iter().enumerate().skip(1) {
        let invitation = DeviceSecret::generate().map_err(|e| e.to_string())?;
        let device = DeviceSecret::generate().map_err(|e| e.to_string())?;
        sign(
            &mut workspace,
            &mut membership,
            &root,
            Act::Invite {
                invitation: invitation.public(),
                person: id.clone(),
                expires: i64::MAX,
            },
        );
        let proof = invitation.sign(
            Purpose::Acceptance,
            &acceptance_message(WORKSPACE, &device.public()),
        );
        sign(
            &mut workspace,
            &mut membership,
            &device,
            Act::Accept {
                invitation: invitation.public(),
                proof,
            },
        );
        // A tree: everyone reports to someone earlier in the list.
        sign(
            &mut workspace,
            &mut membership,
            &root,
            Act::SetManager {
                person: id.clone(),
                manager: Some(ids[(n - 1) / 8].clone()),
            },
        );
        devices.push(device.public());
    }
    for id in ids.iter().take(10) {
        sign(
            &mut workspace,
            &mut membership,
            &root,
            Act::Grant {
                person: id.clone(),
                role: Role::Hr,
            },
        );
    }
    let statements = workspace.membership.len();
    // One more statement on a device that has checked the rest.
    let mut cache = CheckedStatements::default();
    let _ = Membership::verify_with(WORKSPACE, &root.public(), &workspace.membership, &mut cache);
    sign(
        &mut workspace,
        &mut (),
        &root,
        Act::Grant {
            person: ids[11].clone(),
            role: Role::Hr,
        },
    );
    let started = Instant::now();
    let after_one =
        Membership::verify_with(WORKSPACE, &root.public(), &workspace.membership, &mut cache);
    let one_more = started.elapsed().as_secs_f64() * 1000.0;
    assert!(after_one.has_role(&ids[11], Role::Hr));
    // At a start of the app: what this device kept last time is not checked again.
    let mut kept = throughline::model::identity::KeptStatements::default();
    kept.keep_counted(&workspace.membership, &after_one);
    let mut at_start = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut trusted = CheckedStatements::trusting(&kept);
        let again = Membership::verify_with(
            WORKSPACE,
            &root.public(),
            &workspace.membership,
            &mut trusted,
        );
        at_start.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(again, after_one);
    }
    let mut verify = Vec::new();
    let mut rights = Vec::new();
    let mut checked = Membership::default();
    for _ in 0..runs {
        let started = Instant::now();
        checked = Membership::verify(WORKSPACE, &root.public(), &workspace.membership);
        verify.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let access = Access::of_device(&checked, &devices[1]);
        rights.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(access.person().is_some());
    }
    if !checked.ignored().is_empty() {
        return Err(format!(
            "{} statements were ignored: {:?}",
            checked.ignored().len(),
            &checked.ignored()[..1]
        ));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "membership of {people} people ({statements} signed statements): verified in {:.0} ms (median of {runs}), at a later start from the statements kept in {:.0} ms, again after one more statement in {one_more:.0} ms, one device's rights in {:.2} ms",
        median(&mut verify),
        median(&mut at_start),
        median(&mut rights)
    );
    Ok(())
}
